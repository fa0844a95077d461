// Node.js counterpart of `./jbang burst-haiku --json`: N Converse calls to Claude Haiku 4.5's global
// profile, C at a time, through one client with the SDK's default request handler (HTTP/2 for
// Bedrock Runtime in v3) and its adaptive retry mode; prints the same JSON summary keys.
//
//   node burst.mjs [--requests 2000] [--concurrency 64] [--max-tokens 100] [--deadline 120] [--region us-east-1]
//
// Endpoint and credentials come from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...).
import { parseArgs } from "node:util";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { MODEL_ID, DEFAULT_REGION, fail } from "./common.mjs";

const { values: o } = parseArgs({
  options: {
    prompt: { type: "string", default: "Give one tip for handling traffic peaks." },
    "max-tokens": { type: "string", default: "100" },
    "model-id": { type: "string", default: MODEL_ID },
    region: { type: "string", default: process.env.AWS_REGION ?? DEFAULT_REGION },
    requests: { type: "string", default: "50" },
    concurrency: { type: "string", default: "8" },
    deadline: { type: "string", default: "120" },
  },
});
const requests = Number(o.requests);
const concurrency = Number(o.concurrency);
const deadlineMs = Number(o.deadline) * 1000;
if (!(requests >= 1) || !(concurrency >= 1) || !(deadlineMs >= 1000)) {
  console.error("❌ --requests, --concurrency must be ≥ 1 and --deadline ≥ 1");
  process.exit(2);
}

const client = new BedrockRuntimeClient({ region: o.region, retryMode: "adaptive" });
const latencies = [];
let next = 0, succeeded = 0, failed = 0, outputTokens = 0, lastError;
const start = performance.now();
const deadline = start + deadlineMs;

async function worker() {
  while (next < requests && performance.now() < deadline) {
    next++;
    const dispatched = performance.now();
    try {
      const r = await client.send(new ConverseCommand({
        modelId: o["model-id"],
        messages: [{ role: "user", content: [{ text: o.prompt }] }],
        inferenceConfig: { maxTokens: Number(o["max-tokens"]) },
      }), { abortSignal: AbortSignal.timeout(Math.max(1, Math.round(deadline - performance.now()))) });
      succeeded++;
      outputTokens += r.usage?.outputTokens ?? 0;
      latencies.push(performance.now() - dispatched);
    } catch (e) {
      failed++;
      lastError = `${e.name}: ${e.message}`;
    }
  }
}

try {
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies.length ? Math.round(latencies[Math.max(0, Math.ceil(p / 100 * latencies.length) - 1)]) : 0;
  console.log(JSON.stringify({
    modelId: o["model-id"], region: o.region, requests, concurrency, succeeded, failed, notSent: requests - next,
    seconds: Math.round(seconds * 1000) / 1000,
    requestsPerSecond: Math.round(succeeded / seconds * 10) / 10,
    outputTokensPerSecond: Math.round(outputTokens / seconds * 10) / 10,
    p50Ms: pct(50), p95Ms: pct(95), p99Ms: pct(99),
    ...(lastError ? { lastError } : {}),
  }));
  if (failed > 0 || next < requests) process.exitCode = 1;
} catch (e) {
  fail(e);
} finally {
  client.destroy();
}
