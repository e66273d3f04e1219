export const XML_TYPE = 'application/xml; charset=utf-8';

export function multistatusResponse(body: string): Response {
  return new Response(body, { status: 207, headers: { 'Content-Type': XML_TYPE } });
}
