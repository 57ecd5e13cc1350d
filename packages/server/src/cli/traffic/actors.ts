import type { Rng } from "./random.js";

/**
 * Who the demo traffic comes from and goes to. Source blocks are real public ranges of large hosting
 * and access networks in several countries (fine for generated test data: nothing is sent to them),
 * so GeoIP enrichment shows a believable world map.
 */
export const PUBLIC_SOURCES: readonly { country: string; network: string; prefix: string }[] = [
  { country: "US", network: "Comcast", prefix: "73.15" },
  { country: "US", network: "Amazon AWS", prefix: "54.210" },
  { country: "US", network: "Google Cloud", prefix: "35.192" },
  { country: "FR", network: "Orange", prefix: "90.12" },
  { country: "FR", network: "OVH", prefix: "51.68" },
  { country: "DE", network: "Deutsche Telekom", prefix: "79.192" },
  { country: "DE", network: "Hetzner", prefix: "88.198" },
  { country: "GB", network: "BT", prefix: "86.128" },
  { country: "NL", network: "KPN", prefix: "77.160" },
  { country: "ES", network: "Telefonica", prefix: "83.32" },
  { country: "IT", network: "Telecom Italia", prefix: "79.20" },
  { country: "BR", network: "Claro", prefix: "177.96" },
  { country: "IN", network: "Bharti Airtel", prefix: "122.161" },
  { country: "JP", network: "NTT", prefix: "153.156" },
  { country: "CN", network: "China Telecom", prefix: "116.228" },
  { country: "RU", network: "Beeline", prefix: "95.24" },
  { country: "RU", network: "MTS", prefix: "213.87" },
  { country: "VN", network: "VNPT", prefix: "113.160" },
  { country: "KR", network: "KT", prefix: "121.134" },
];

/** A few noisy attackers the detection engine should notice. */
export const ATTACKERS = {
  sshBruteForcer: "45.155.205.233", // brute-forces ssh on every site
  portScanner: "185.224.128.17", // sweeps ports, dropped by the firewalls
  sqliCampaign: "103.251.167.20", // runs a WAF SQL injection campaign
} as const;

export interface Site {
  site: string;
  hostname: string; // firewall hostname in the syslog header
  deviceName: string; // Sophos device_name model
  serial: string;
  publicIp: string; // the site's WAN address (attack target)
  webHost: string;
  /** Sophos XGS logs since SFOS 19 use the new format; older sites keep the legacy one. */
  newFormat: boolean;
}

export const SITES: readonly Site[] = [
  {
    site: "paris-hq",
    hostname: "fw-paris-01",
    deviceName: "XGS2300",
    serial: "X23001ABCD1234",
    publicIp: "90.12.200.10",
    webHost: "www.acme-paris.fr",
    newFormat: true,
  },
  {
    site: "lyon-clinic",
    hostname: "fw-lyon-01",
    deviceName: "XGS126",
    serial: "X1260CDEF5678F",
    publicIp: "90.12.201.21",
    webHost: "shop.acme-lyon.fr",
    newFormat: false,
  },
  {
    site: "madrid-office",
    hostname: "fw-madrid-01",
    deviceName: "XGS136",
    serial: "X1360FEDC9876A",
    publicIp: "83.45.101.7",
    webHost: "portal.acme.es",
    newFormat: true,
  },
];

export const INTERNAL_HOSTS = [
  "10.10.1.15",
  "10.10.1.22",
  "10.10.2.40",
  "10.20.0.8",
  "192.168.10.55",
  "192.168.10.61",
];
export const USERS = ["alice", "bob", "carol", "dmartin", "jgarcia", "svc-backup", "admin"];

export function randomPublicIp(rng: Rng): string {
  const src = rng.pick(PUBLIC_SOURCES);
  return `${src.prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export function randomInternalIp(rng: Rng): string {
  return rng.pick(INTERNAL_HOSTS);
}

export const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
  "curl/8.5.0",
];

export const ATTACK_USER_AGENTS = [
  "sqlmap/1.8.3#stable (https://sqlmap.org)",
  "python-requests/2.31.0",
  "Nikto/2.5.0",
];
