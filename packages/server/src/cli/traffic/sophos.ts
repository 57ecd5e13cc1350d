import { ATTACK_USER_AGENTS, type Site, USER_AGENTS, USERS } from "./actors.js";
import type { Rng } from "./random.js";
import { FACILITY, pri, rfc3164, SEVERITY } from "./syslog-header.js";

/**
 * Sophos XGS / SFOS syslog lines in both formats the field sends: the legacy one
 * (`device="SFW" date=… time=… device_id=…`) and the SFOS 19+ one
 * (`device_name="SFW" timestamp=… device_serial_id=… log_version=1`), framed in an RFC 3164 header
 * from the firewall's hostname as XGS does.
 */
export type SophosKind =
  | "fw-allow"
  | "fw-drop"
  | "ips"
  | "atp"
  | "av"
  | "waf"
  | "vpn-ok"
  | "vpn-fail"
  | "heartbeat";

type Value = string | number;
export type Fields = [string, Value][];

export interface SophosInput {
  site: Site;
  at: number;
  srcIp: string;
  dstIp: string;
  /** A WAF line from an attack campaign: SQL injection, blocked. */
  attack?: boolean;
  /** Extra fields appended last (the load generator's unique marker rides here). */
  extra?: Fields;
}

interface Shape {
  logId: string;
  type: string;
  component: string;
  subtype: string;
  priority: "Information" | "Notice" | "Warning" | "Critical";
  body: Fields;
}

export function sophosLine(kind: SophosKind, rng: Rng, input: SophosInput): string {
  const shape = SHAPES[kind](rng, input);
  const head = input.site.newFormat ? newHeader(input, shape) : legacyHeader(input, shape);
  const msg = formatKv(
    [...head, ...shape.body, ...(input.extra ?? [])],
    input.site.newFormat ? NEW_BARE : LEGACY_BARE,
  );
  const sev = {
    Information: SEVERITY.info,
    Notice: SEVERITY.notice,
    Warning: SEVERITY.warning,
    Critical: SEVERITY.crit,
  };
  return rfc3164(pri(FACILITY.local0, sev[shape.priority]), input.at, input.site.hostname, "", msg);
}

/** Keys SFOS writes without quotes (when the value has no space), per format, as seen in real logs. */
const LEGACY_BARE = new Set([
  "date",
  "time",
  "device_id",
  "log_id",
  "priority",
  "src_ip",
  "dst_ip",
  "sourceip",
  "localip",
  "destinationip",
  "server",
  "url",
  "querystring",
  "method",
  "referer",
]);
const NEW_BARE = new Set(["log_id"]);

/** key=value: numbers bare, strings quoted (inner quotes become ' as SFOS does) unless the key is bare. */
export function formatKv(fields: Fields, bare: ReadonlySet<string> = new Set()): string {
  return fields
    .map(([k, v]) => {
      if (typeof v === "number") return `${k}=${v}`;
      if (bare.has(k) && v.length > 0 && !/[\s"]/.test(v)) return `${k}=${v}`;
      return `${k}="${v.replaceAll('"', "'")}"`;
    })
    .join(" ");
}

function legacyHeader({ site, at }: SophosInput, s: Shape): Fields {
  const iso = new Date(at).toISOString();
  return [
    ["device", "SFW"],
    ["date", iso.slice(0, 10)],
    ["time", iso.slice(11, 19)],
    ["timezone", "UTC"],
    ["device_name", site.deviceName],
    ["device_id", site.serial],
    ["log_id", s.logId],
    ["log_type", s.type],
    ["log_component", s.component],
    ["log_subtype", s.subtype],
    ["priority", s.priority],
  ];
}

function newHeader({ site, at }: SophosInput, s: Shape): Fields {
  return [
    ["device_name", "SFW"],
    ["timestamp", `${new Date(at).toISOString().slice(0, 19)}+0000`],
    ["device_model", site.deviceName],
    ["device_serial_id", site.serial],
    ["log_id", s.logId],
    ["log_type", s.type],
    ["log_component", s.component],
    ["log_subtype", s.subtype],
    ["log_version", 1],
    ["severity", s.priority],
  ];
}

const net = (rng: Rng, i: SophosInput, protocol: string, dstPort: number): Fields => [
  ["src_ip", i.srcIp],
  ["dst_ip", i.dstIp],
  ["protocol", protocol],
  ["src_port", rng.int(1024, 65535)],
  ["dst_port", dstPort],
];

const SIGNATURES: readonly [number, string, string][] = [
  [2024897, "ET WEB_SPECIFIC_APPS Apache Struts RCE attempt", "Attempted Administrator Privilege Gain"],
  [58722, "SERVER-WEBAPP Log4j JNDI injection attempt", "Attempted User Privilege Gain"],
  [41978, "SERVER-OTHER SMB remote code execution attempt", "Attempted Administrator Privilege Gain"],
  [26022, "FILE-PDF EmbeddedFile contained within a PDF", "A Network Trojan was detected"],
];
const THREATS = ["C2/Generic-A", "C2/Emotet-B", "Mal/Qakbot-C2", "Troj/Agent-BGX"];
const VIRUSES = ["EICAR-AV-Test", "Mal/Generic-S", "Troj/PDFJs-ALQ", "Mal/DocDl-M"];
const WEB_PATHS = ["/", "/login", "/products", "/cart", "/api/v1/orders", "/contact", "/search"];
const SQLI = [
  "id=1' OR '1'='1",
  "id=1 UNION SELECT username,password FROM users--",
  "q=1';DROP TABLE orders;--",
];

const SHAPES: Record<SophosKind, (rng: Rng, i: SophosInput) => Shape> = {
  "fw-allow": (rng, i) => {
    const port = rng.pick([443, 443, 80, 53, 123, 993]);
    return {
      logId: "010101600001",
      type: "Firewall",
      component: "Firewall Rule",
      subtype: "Allowed",
      priority: "Information",
      body: [
        ["status", "Allow"],
        ["fw_rule_id", rng.int(1, 40)],
        ["user_name", rng.chance(0.4) ? rng.pick(USERS) : ""],
        ["in_interface", "Port1"],
        ["out_interface", "Port2"],
        ...net(rng, i, port === 53 || port === 123 ? "UDP" : "TCP", port),
        ["sent_bytes", rng.int(200, 90000)],
        ["recv_bytes", rng.int(200, 900000)],
      ],
    };
  },
  "fw-drop": (rng, i) => ({
    logId: "010102600002",
    type: "Firewall",
    component: "Firewall Rule",
    subtype: "Denied",
    priority: "Information",
    body: [
      ["status", "Deny"],
      ["fw_rule_id", 0],
      ["in_interface", "Port2"],
      ["out_interface", ""],
      ...net(rng, i, "TCP", rng.pick([22, 23, 445, 3389, 8080, 1433, 5900, rng.int(1, 65535)])),
      ["sent_bytes", 0],
      ["recv_bytes", 0],
    ],
  }),
  ips: (rng, i) => {
    const [sid, msg, cls] = rng.pick(SIGNATURES);
    const drop = rng.chance(0.7);
    return {
      logId: drop ? "020804406001" : "020703406001",
      type: "IDP",
      component: "Signatures",
      subtype: drop ? "Drop" : "Detect",
      priority: "Warning",
      body: [
        ["idp_policy_id", 1],
        ["fw_rule_id", rng.int(1, 40)],
        ["signature_id", sid],
        ["signature_msg", msg],
        ["classification", cls],
        ["rule_priority", rng.int(1, 3)],
        ...net(rng, i, "TCP", rng.pick([80, 443, 445])),
        ["platform", "Windows"],
        ["category", "Server-Webapp"],
        ["target", "Server"],
      ],
    };
  },
  atp: (rng, i) => ({
    logId: "086320518009",
    type: "ATP",
    component: "Firewall",
    subtype: rng.chance(0.6) ? "Drop" : "Alert",
    priority: "Critical",
    body: [
      ["protocol", "TCP"],
      ["src_port", rng.int(1024, 65535)],
      ["dst_port", 443],
      ["sourceip", i.dstIp],
      ["destinationip", i.srcIp],
      ["url", i.srcIp],
      ["threatname", rng.pick(THREATS)],
      ["eventid", uuid(rng).toUpperCase()],
      ["eventtype", "Standard"],
    ],
  }),
  av: (rng, i) => ({
    logId: "030906208001",
    type: "Anti-Virus",
    component: "HTTP",
    subtype: "Virus",
    priority: "Critical",
    body: [
      ["status", ""],
      ["fw_rule_id", 2],
      ["user_name", rng.pick(USERS)],
      ["virus", rng.pick(VIRUSES)],
      ["url", `http://dl-${rng.hex(6)}.example-cdn.com/invoice.pdf`],
      ["domainname", "example-cdn.com"],
      ["src_ip", i.dstIp],
      ["dst_ip", i.srcIp],
      ["protocol", "TCP"],
      ["src_port", rng.int(1024, 65535)],
      ["dst_port", 80],
      ["status_code", 403],
    ],
  }),
  waf: (rng, i) => {
    const attack = i.attack === true;
    const blocked = attack || rng.chance(0.05);
    return {
      logId: "075000617071",
      type: "WAF",
      component: "Web Application Firewall",
      subtype: blocked ? "Denied" : "Allowed",
      priority: blocked ? "Warning" : "Information",
      body: [
        ["user_name", "-"],
        ["server", i.site.webHost],
        ["sourceip", i.srcIp],
        ["localip", i.site.publicIp],
        ["ws_protocol", "HTTP/1.1"],
        ["url", attack ? "/products.php" : rng.pick(WEB_PATHS)],
        ["querystring", attack ? `?${rng.pick(SQLI)}` : ""],
        ["method", attack ? "GET" : rng.pick(["GET", "GET", "POST"])],
        ["httpstatus", blocked ? 403 : rng.pick([200, 200, 200, 304, 404])],
        ["reason", blocked ? "Application Firewall" : "-"],
        ["useragent", attack ? rng.pick(ATTACK_USER_AGENTS) : rng.pick(USER_AGENTS)],
        ["bytessent", rng.int(300, 50000)],
      ],
    };
  },
  "vpn-ok": (rng, i) => vpn(rng, i, true),
  "vpn-fail": (rng, i) => vpn(rng, i, false),
  // Security Heartbeat: endpoints report their health to the firewall every few seconds.
  heartbeat: (rng, i) => ({
    logId: "096201618004",
    type: "Heartbeat",
    component: "Security Heartbeat",
    subtype: "Status",
    priority: "Information",
    body: [
      ["ep_uuid", uuid(rng)],
      ["ep_name", `LAPTOP-${rng.hex(6).toUpperCase()}`],
      ["ep_ip", i.dstIp],
      [
        "ep_health",
        rng.weighted([
          ["Green", 90],
          ["Yellow", 8],
          ["Red", 2],
        ] as const),
      ],
    ],
  }),
};

function uuid(rng: Rng): string {
  return `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`;
}

function vpn(rng: Rng, i: SophosInput, ok: boolean): Shape {
  const user = rng.pick(USERS);
  return {
    logId: ok ? "062910617701" : "062910617702",
    type: "Event",
    component: "SSL VPN Authentication",
    subtype: "Authentication",
    priority: ok ? "Information" : "Notice",
    body: [
      ["status", ok ? "Successful" : "Failed"],
      ["user_name", user],
      ["usergroupname", "VPN Users"],
      ["auth_client", "SSLVPN"],
      ["auth_mechanism", "AD"],
      ["reason", ok ? "" : "Invalid credentials"],
      ["src_ip", i.srcIp],
      [
        "message",
        ok
          ? `User ${user} authenticated successfully to login to SSLVPN through AD authentication mechanism`
          : `User ${user} failed to login to SSLVPN through AD authentication mechanism because of wrong credentials`,
      ],
      ["name", user],
      ["src_mac", ""],
    ],
  };
}
