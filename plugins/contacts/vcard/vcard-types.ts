/** One content line: `group.NAME;PARAM=a,b:value` (RFC 6350 §3.3, RFC 2426 §4). */
export interface VProp {
  group: string | undefined;
  /** Upper-case property name. */
  name: string;
  /** Upper-case parameter name → its values (unquoted). vCard 2.1 bare params (`TEL;WORK:`) land under TYPE. */
  params: Record<string, string[]>;
  /** The value as written (escaped), unfolded. */
  value: string;
}

export type VCardVersion = '2.1' | '3.0' | '4.0';

/** A vCard without its BEGIN/END/VERSION lines. */
export interface VCard {
  version: VCardVersion;
  props: VProp[];
}
