// IP protocol / IPv6 next-header numbers (IANA "Assigned Internet Protocol Numbers").
export const ipProtocols = {
  hopByHop: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  ipv6Routing: 43,
  ipv6Fragment: 44,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  noNext: 59,
  ipv6DestOpts: 60,
  sctp: 132,
} as const;
