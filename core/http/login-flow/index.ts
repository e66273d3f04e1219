export { LoginFlows, FLOW_LIFETIME_MS, MAX_PENDING_FLOWS, MAX_PENDING_FLOWS_PER_IP, type LoginFlowsOptions, type LoginFlowCredentials } from './login-flows.ts';
export { loginFlowApi, LOGIN_FLOW_PREFIX } from './login-flow-api.ts';
export { loginFlowPages } from './login-flow-pages.tsx';
export { deviceLabel, MAX_DEVICE_LABEL_LENGTH } from './device-label.ts';
