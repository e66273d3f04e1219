import { describe, expect, it } from 'vitest';
import { parseXml } from '../../../core/dav/xml.ts';
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { parseVCard } from '../vcard/parse-vcard.ts';
import { cardMatches, resultLimit } from './addressbook-query.ts';
import { acceptedVersion, renderAddressData } from './render-card.ts';

const card = (lines: string) => parseVCard(`BEGIN:VCARD\r\nVERSION:4.0\r\n${lines.trim().split('\n').map((l) => l.trim()).join('\r\n')}\r\nEND:VCARD\r\n`);
const jane = card(`
  UID:1
  FN:Jane Doe
  EMAIL;TYPE=work:jane@corp.example
  TEL;TYPE=cell:+1 555 0100
`);
const john = card(`
  UID:2
  FN:John Smith
  EMAIL;TYPE=home:john@home.example
`);
const query = (filter: string) => parseXml(`<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:address-data/></D:prop>${filter}</C:addressbook-query>`);
const filterOf = (xml: string) => query(xml).children.find((c) => c.name.endsWith('}filter'));
const matching = (xml: string) => [jane, john].filter((c) => cardMatches(c, filterOf(xml))).map((c) => c.props.find((p) => p.name === 'FN')!.value);

describe('addressbook-query filters (RFC 6352 §10.5)', () => {
  it('matches text with each match-type, case-insensitively by default', () => {
    expect(matching('<C:filter><C:prop-filter name="FN"><C:text-match match-type="contains">DOE</C:text-match></C:prop-filter></C:filter>')).toEqual(['Jane Doe']);
    expect(matching('<C:filter><C:prop-filter name="FN"><C:text-match match-type="starts-with">john</C:text-match></C:prop-filter></C:filter>')).toEqual(['John Smith']);
    expect(matching('<C:filter><C:prop-filter name="EMAIL"><C:text-match match-type="ends-with">.example</C:text-match></C:prop-filter></C:filter>')).toEqual(['Jane Doe', 'John Smith']);
    expect(matching('<C:filter><C:prop-filter name="FN"><C:text-match match-type="equals">jane doe</C:text-match></C:prop-filter></C:filter>')).toEqual(['Jane Doe']);
    expect(matching('<C:filter><C:prop-filter name="FN"><C:text-match match-type="equals" collation="i;octet">jane doe</C:text-match></C:prop-filter></C:filter>')).toEqual([]);
    expect(matching('<C:filter><C:prop-filter name="FN"><C:text-match negate-condition="yes">jane</C:text-match></C:prop-filter></C:filter>')).toEqual(['John Smith']);
  });

  it('combines prop-filters with anyof/allof, and handles is-not-defined and param-filter', () => {
    expect(matching('<C:filter test="allof"><C:prop-filter name="FN"><C:text-match>j</C:text-match></C:prop-filter><C:prop-filter name="TEL"/></C:filter>')).toEqual(['Jane Doe']);
    expect(matching('<C:filter test="anyof"><C:prop-filter name="TEL"/><C:prop-filter name="EMAIL"><C:text-match>home</C:text-match></C:prop-filter></C:filter>')).toEqual(['Jane Doe', 'John Smith']);
    expect(matching('<C:filter><C:prop-filter name="TEL"><C:is-not-defined/></C:prop-filter></C:filter>')).toEqual(['John Smith']);
    expect(matching('<C:filter><C:prop-filter name="EMAIL"><C:param-filter name="TYPE"><C:text-match match-type="equals">work</C:text-match></C:param-filter></C:prop-filter></C:filter>')).toEqual(['Jane Doe']);
    expect(matching('<C:filter><C:prop-filter name="EMAIL" test="allof"><C:param-filter name="TYPE"><C:text-match>work</C:text-match></C:param-filter><C:text-match>john</C:text-match></C:prop-filter></C:filter>')).toEqual([]);
    expect(matching('<C:filter/>')).toEqual(['Jane Doe', 'John Smith']);
  });

  it('refuses unknown collations, and reads the result limit', () => {
    expect(() => matching('<C:filter><C:prop-filter name="FN"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter></C:filter>')).toThrow(DavPreconditionError);
    expect(resultLimit(query('<C:filter/><C:limit><C:nresults>5</C:nresults></C:limit>'))).toBe(5);
    expect(resultLimit(query('<C:filter/>'))).toBeUndefined();
  });
});

describe('serving a card in the asked version', () => {
  const v3 = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:X\r\nN:X;;;;\r\nEMAIL;TYPE=INTERNET:x@y.example\r\nNOTE:n\r\nEND:VCARD\r\n';
  it('reads the version from Accept', () => {
    expect(acceptedVersion('text/vcard; version=4.0')).toBe('4.0');
    expect(acceptedVersion('text/vcard;version=3.0;q=0.5, text/vcard;version=4.0;q=0.9')).toBe('4.0');
    expect(acceptedVersion('text/vcard')).toBeUndefined();
    expect(acceptedVersion(undefined)).toBeUndefined();
  });
  it('converts for address-data version and keeps only the asked properties', () => {
    const el = (xml: string) => parseXml(`<C:address-data xmlns:C="urn:ietf:params:xml:ns:carddav" ${xml}`);
    expect(renderAddressData(v3, el('content-type="text/vcard" version="3.0"/>'))).toBe(v3);
    expect(renderAddressData(v3, el('content-type="text/vcard" version="4.0"/>'))).toMatch(/^BEGIN:VCARD\r\nVERSION:4.0\r\n/);
    const partial = renderAddressData(v3, el('><C:prop name="EMAIL"/><C:prop name="UID"/></C:address-data>'));
    expect(partial).toContain('EMAIL');
    expect(partial).not.toContain('NOTE');
    expect(() => renderAddressData(v3, el('content-type="application/vcard+json"/>'))).toThrow(DavPreconditionError);
  });
});
