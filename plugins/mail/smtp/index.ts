// The SMTP side of the mail plugin: what plugins/mail/index.ts wires. See README.md.
export { createSmtpServers, type SmtpListener, type SmtpServers, type SmtpServersDeps } from './smtp-servers.ts';
export { smtpEvents } from './events.ts';
export { smtpMigrations } from './smtp-migrations.ts';
export { smtpProjections } from './queue/outbound-projection.ts';
export { smtpBlobRefs } from './queue/outbound-blob-refs.ts';
export { defaultMailSettings, memoryMailSettings, noMailSettings, type MailRule, type MailSettings, type MailSettingsLookup } from './pipeline/mail-settings.ts';
export { dkimDnsRecordFor, DkimKeyStore, type DkimDnsRecord } from './dkim/dkim-keys.ts';
export { systemResolver, type DnsResolver } from './dns-resolver.ts';
export { createSubmitter, MAX_SUBMIT_RECIPIENTS, type Submitter, type SubmitterDeps, type SubmitResult, type SubmitEnvelope } from './submit-message.ts';
