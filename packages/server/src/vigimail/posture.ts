import { checkDkim, type DkimResult } from "./dkim.js";
import { checkDmarc, type DmarcResult } from "./dmarc.js";
import { checkMx, type MxResult } from "./mx.js";
import { type PostureStatus, postureScore } from "./posture-score.js";
import type { DnsLookup } from "./resolver.js";
import { checkSpf, type SpfResult } from "./spf.js";

/** One run of every DNS check on a domain, with the overall score. */
export interface DomainPosture {
  spf: SpfResult;
  dkim: DkimResult;
  dmarc: DmarcResult;
  mx: MxResult;
  score: number;
  status: PostureStatus;
}

export async function checkDomainPosture(
  domain: string,
  dns: DnsLookup,
  selectors: readonly string[],
): Promise<DomainPosture> {
  const [spf, dkim, dmarc, mx] = await Promise.all([
    checkSpf(domain, dns),
    checkDkim(domain, selectors, dns),
    checkDmarc(domain, dns),
    checkMx(domain, dns),
  ]);
  const { score, status } = postureScore([...spf.issues, ...dkim.issues, ...dmarc.issues, ...mx.issues]);
  return { spf, dkim, dmarc, mx, score, status };
}
