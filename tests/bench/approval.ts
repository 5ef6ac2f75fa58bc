/**
 * Approval-to-claim latency: agents wait for their human while the human approves at the
 * demo provider; measured from the moment the browser sends the provider's redirect to the
 * server's `/callback` (the approval) to the moment the agent holds the claimed blob.
 *
 * Two agent behaviours, same server, same run:
 * - `poll`: a signed `GET /status` every 2 s (the 0.4 CLI's default), then `GET /claim`;
 * - `wait`: a signed `GET /status?wait=30` (long-poll) again and again, then `GET /claim`.
 *
 * All agents of one run wait at once; approvals are spread over a few seconds.
 */

import { signRequest } from "../../shared/sign_request.ts";
import { authorizeOverHttp } from "../fixtures/oidc_provider.ts";
import { createSigningKeys } from "./signed_requests.ts";

/** Options of {@linkcode benchApproval}. */
export interface ApprovalOptions {
  serverUrl: string;
  provider: string;
  boxPublicKey: string;
  mode: "poll" | "wait";
  /** Agents waiting at once. */
  agents: number;
  /** Poll interval of `poll` agents; default 2000 ms. */
  pollIntervalMs?: number;
  /** Approvals are spread evenly over this long; default 3000 ms. */
  spreadMs?: number;
}

/** Per agent: ms from approval to claimed blob, and status requests it sent. */
export interface ApprovalResult {
  latenciesMs: number[];
  statusRequests: number[];
}

async function signedFetch(
  serverUrl: string,
  action: "status" | "claim",
  sessionId: string,
  signKey: CryptoKey,
  query = "",
): Promise<{ status: number; body: Record<string, unknown> }> {
  const path = `/${action}/${sessionId}`;
  const headers = await signRequest(signKey, { sessionId, path });
  const response = await fetch(`${serverUrl}${path}${query}`, { headers });
  return { status: response.status, body: await response.json() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Runs one mode with `agents` agents; resolves once every agent claimed. */
export async function benchApproval(options: ApprovalOptions): Promise<ApprovalResult> {
  const { serverUrl, mode } = options;
  const interval = options.pollIntervalMs ?? 2000;
  const spread = options.spreadMs ?? 3000;
  const keys = await createSigningKeys(options.agents);
  const sessions = await Promise.all(keys.map(async (key) => {
    const response = await fetch(`${serverUrl}/init`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: options.provider,
        verifyKey: key.verifyKey,
        boxPublicKey: options.boxPublicKey,
      }),
    });
    if (!response.ok) throw new Error(`/init: ${response.status} ${await response.text()}`);
    const body = await response.json();
    return { id: body.sessionId as string, shortAuthUrl: body.shortAuthUrl as string, key };
  }));

  const approvedAt = new Array<number>(sessions.length).fill(NaN);
  const claimedAt = new Array<number>(sessions.length).fill(NaN);
  const statusRequests = new Array<number>(sessions.length).fill(0);

  async function agent(index: number): Promise<void> {
    const { id, key } = sessions[index];
    // Poll agents start at spread-out phases, as independent agents would.
    if (mode === "poll") await sleep((interval * index) / sessions.length);
    for (;;) {
      statusRequests[index]++;
      const answer = await signedFetch(
        serverUrl,
        "status",
        id,
        key.signKey,
        mode === "wait" ? "?wait=30" : "",
      );
      if (answer.status !== 200) throw new Error(`status: ${JSON.stringify(answer)}`);
      if (answer.body.status === "completed") break;
      if (mode === "poll") await sleep(interval);
    }
    const claim = await signedFetch(serverUrl, "claim", id, key.signKey);
    if (claim.status !== 200 || claim.body.status !== "completed") {
      throw new Error(`claim: ${JSON.stringify(claim)}`);
    }
    claimedAt[index] = performance.now();
  }

  async function human(index: number): Promise<void> {
    await sleep(500 + (spread * index) / sessions.length);
    const { callbackUrl, cookies } = await authorizeOverHttp(sessions[index].shortAuthUrl);
    approvedAt[index] = performance.now();
    const response = await cookies.fetch(callbackUrl, { method: "GET" });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`callback: ${response.status}`);
  }

  await Promise.all(sessions.flatMap((_, i) => [agent(i), human(i)]));
  return {
    latenciesMs: sessions.map((_, i) => claimedAt[i] - approvedAt[i]),
    statusRequests,
  };
}

/** Options of {@linkcode benchWaitingCost}. */
export interface WaitingCostOptions {
  serverUrl: string;
  provider: string;
  boxPublicKey: string;
  mode: "poll" | "wait";
  agents: number;
  durationMs: number;
  /** CPU µs the server process used so far (all threads). */
  cpuUs: () => Promise<number>;
  pollIntervalMs?: number;
}

/** What the server spends on agents that wait for a human who does not come. */
export interface WaitingCost {
  /** Server CPU µs per waiting agent per second. */
  cpuUsPerAgentSecond: number;
  /** Status requests per agent in the window. */
  requestsPerAgent: number;
}

/** `agents` agents wait `durationMs` for a human who never approves; measures the server. */
export async function benchWaitingCost(options: WaitingCostOptions): Promise<WaitingCost> {
  const { serverUrl, mode, durationMs } = options;
  const interval = options.pollIntervalMs ?? 2000;
  const keys = await createSigningKeys(options.agents);
  const sessions = await Promise.all(keys.map(async (key) => {
    const response = await fetch(`${serverUrl}/init`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: options.provider,
        verifyKey: key.verifyKey,
        boxPublicKey: options.boxPublicKey,
      }),
    });
    if (!response.ok) throw new Error(`/init: ${response.status} ${await response.text()}`);
    return { id: (await response.json()).sessionId as string, key };
  }));
  let requests = 0;
  const stop = new AbortController();
  const cpuBefore = await options.cpuUs();
  const started = performance.now();
  const agent = async (index: number) => {
    const { id, key } = sessions[index];
    if (mode === "poll") await sleep((interval * index) / sessions.length);
    while (!stop.signal.aborted) {
      const path = `/status/${id}`;
      const headers = await signRequest(key.signKey, { sessionId: id, path });
      requests++;
      try {
        const response = await fetch(`${serverUrl}${path}${mode === "wait" ? "?wait=30" : ""}`, {
          headers,
          signal: stop.signal,
        });
        await response.body?.cancel();
      } catch {
        return; // aborted at the end of the window
      }
      if (mode === "poll") await sleep(interval);
    }
  };
  const running = Promise.all(sessions.map((_, i) => agent(i)));
  await sleep(durationMs);
  const cpuUs = await options.cpuUs() - cpuBefore;
  const seconds = (performance.now() - started) / 1000;
  stop.abort();
  await running;
  return {
    cpuUsPerAgentSecond: cpuUs / sessions.length / seconds,
    requestsPerAgent: requests / sessions.length,
  };
}
