// The actions of OVN 23.03 (lib/actions.c parse_action / parse_set_action) and the shape each accepts.
// The parser and checker interpret this table; encoding to OpenFlow is a later stage.
//   args     'none' | 'optional' | 'required'   a (...) argument list
//   nested   'none' | 'optional' | 'required'   a { actions } block
//   scope    where fields become writable inside the block (ct_commit makes ct_mark/ct_label writable)
//   prereq   what the action adds to the flow's match (upstream add_prerequisite)

export type Presence = 'none' | 'optional' | 'required';

export interface ActionSpec {
  args: Presence;
  nested: Presence;
  scope?: 'ct_commit' | 'default';
  prereq?: string;
}

/** How a result function's destination must look (FIELD = NAME(...)). */
export type ResultSpec = { bits: 1 } | { minBits: 16 } | { bitsOrString: 32 };

export const statementActions: ReadonlyMap<string, ActionSpec> = new Map<string, ActionSpec>([
  ['next', { args: 'optional', nested: 'none' }],
  ['push', { args: 'required', nested: 'none' }],
  ['pop', { args: 'required', nested: 'none' }],
  ['output', { args: 'none', nested: 'none' }],
  ['ct_next', { args: 'none', nested: 'none', prereq: 'ip' }],
  ['ct_commit', { args: 'optional', nested: 'optional', scope: 'ct_commit', prereq: 'ip' }],
  ['ct_dnat', { args: 'optional', nested: 'none', prereq: 'ip' }],
  ['ct_snat', { args: 'optional', nested: 'none', prereq: 'ip' }],
  ['ct_dnat_in_czone', { args: 'optional', nested: 'none', prereq: 'ip' }],
  ['ct_snat_in_czone', { args: 'optional', nested: 'none', prereq: 'ip' }],
  ['ct_lb', { args: 'optional', nested: 'none', prereq: 'ip' }],
  ['ct_lb_mark', { args: 'optional', nested: 'none', prereq: 'ip' }],
  ['ct_clear', { args: 'none', nested: 'none' }],
  ['ct_commit_nat', { args: 'none', nested: 'none', prereq: 'ip' }],
  ['clone', { args: 'none', nested: 'required', scope: 'default' }],
  ['arp', { args: 'none', nested: 'required', prereq: 'ip4' }],
  ['icmp4', { args: 'none', nested: 'required', prereq: 'ip4' }],
  ['icmp4_error', { args: 'none', nested: 'required', prereq: 'ip4' }],
  ['icmp6', { args: 'none', nested: 'required', prereq: 'ip6' }],
  ['icmp6_error', { args: 'none', nested: 'required', prereq: 'ip6' }],
  ['igmp', { args: 'none', nested: 'none' }],
  ['tcp_reset', { args: 'none', nested: 'required', prereq: 'tcp' }],
  ['sctp_abort', { args: 'none', nested: 'required', prereq: 'sctp' }],
  ['nd_na', { args: 'none', nested: 'required', prereq: 'nd_ns' }],
  ['nd_na_router', { args: 'none', nested: 'required', prereq: 'nd_ns' }],
  ['nd_ns', { args: 'none', nested: 'required', prereq: 'ip6' }],
  ['get_arp', { args: 'required', nested: 'none' }],
  ['put_arp', { args: 'required', nested: 'none' }],
  ['get_nd', { args: 'required', nested: 'none' }],
  ['put_nd', { args: 'required', nested: 'none' }],
  ['set_queue', { args: 'required', nested: 'none' }],
  ['log', { args: 'optional', nested: 'none' }],
  ['set_meter', { args: 'required', nested: 'none' }],
  ['trigger_event', { args: 'required', nested: 'none' }],
  ['bind_vport', { args: 'required', nested: 'none' }],
  ['handle_svc_check', { args: 'required', nested: 'none' }],
  ['fwd_group', { args: 'optional', nested: 'none' }],
  ['handle_dhcpv6_reply', { args: 'none', nested: 'none' }],
  ['handle_bfd_msg', { args: 'required', nested: 'none' }],
  ['reject', { args: 'none', nested: 'required' }],
  ['ct_snat_to_vip', { args: 'none', nested: 'none' }],
  ['put_fdb', { args: 'required', nested: 'none' }],
  ['commit_ecmp_nh', { args: 'required', nested: 'none' }],
  ['commit_lb_aff', { args: 'required', nested: 'none' }],
  ['sample', { args: 'optional', nested: 'none' }],
]);

export const resultFunctions: ReadonlyMap<string, ResultSpec> = new Map<string, ResultSpec>([
  ['select', { minBits: 16 }],
  ['put_dhcp_opts', { bits: 1 }],
  ['put_dhcpv6_opts', { bits: 1 }],
  ['dns_lookup', { bits: 1 }],
  ['put_nd_ra_opts', { bits: 1 }],
  ['check_pkt_larger', { bits: 1 }],
  ['lookup_arp', { bits: 1 }],
  ['lookup_nd', { bits: 1 }],
  ['lookup_arp_ip', { bits: 1 }],
  ['lookup_nd_ip', { bits: 1 }],
  ['chk_lb_hairpin', { bits: 1 }],
  ['chk_lb_hairpin_reply', { bits: 1 }],
  ['get_fdb', { bitsOrString: 32 }],
  ['lookup_fdb', { bits: 1 }],
  ['check_in_port_sec', { bits: 1 }],
  ['check_out_port_sec', { bits: 1 }],
  ['chk_ecmp_nh_mac', { bits: 1 }],
  ['chk_ecmp_nh', { bits: 1 }],
  ['chk_lb_aff', { bits: 1 }],
]);

/** What a result function adds to the flow's match (upstream parse_dns_lookup, parse_put_nd_ra_opts). */
export const resultPrereqs: ReadonlyMap<string, string> = new Map([
  ['dns_lookup', 'udp'],
  ['put_nd_ra_opts', 'ip6'],
]);

/** Upstream MAX_NESTED_ACTION_DEPTH: blocks nest at most this deep. */
export const maxNestedActionDepthCount = 32;

/** Actions and result functions whose arguments are all fields (upstream action_parse_field). */
export const fieldArgActions: ReadonlySet<string> = new Set([
  'push', 'pop', 'get_arp', 'put_arp', 'get_nd', 'put_nd', 'handle_svc_check', 'lookup_arp', 'lookup_nd',
  'lookup_arp_ip', 'lookup_nd_ip', 'get_fdb', 'lookup_fdb', 'put_fdb',
]);

/** Result functions whose arguments are `option = constant` or `option = {constants}` (DHCP, RA options). */
export const constantArgActions: ReadonlySet<string> = new Set(['put_dhcp_opts', 'put_dhcpv6_opts', 'put_nd_ra_opts']);

/** A value an argument schema accepts: a decimal integer, a quoted string, or one of some words. */
export type ArgValueSpec = { type: 'int' } | { type: 'string'; maxChars?: number } | { type: 'word'; oneOf: ReadonlyArray<string> };

/**
 * Argument rules for actions whose arguments are simple options (lib/actions.c parse_NEXT, parse_LOG).
 * Either one positional value, or `key = value` options from `keys` (each a single value).
 */
export interface ArgSchema {
  positional?: ArgValueSpec;
  keys: Readonly<Record<string, ArgValueSpec>>;
  required?: ReadonlyArray<string>;
}

export const actionArgSchemas: ReadonlyMap<string, ArgSchema> = new Map<string, ArgSchema>([
  ['next', {
    positional: { type: 'int' },
    keys: { pipeline: { type: 'word', oneOf: ['ingress', 'egress'] }, table: { type: 'int' } },
  }],
  ['log', {
    keys: {
      verdict: { type: 'word', oneOf: ['allow', 'drop', 'reject'] },
      // Upstream limits names to 63 bytes: they are encoded into datapath actions.
      name: { type: 'string', maxChars: 63 },
      severity: { type: 'word', oneOf: ['alert', 'warning', 'notice', 'info', 'debug'] },
      meter: { type: 'string' },
    },
    required: ['verdict'],
  }],
]);
