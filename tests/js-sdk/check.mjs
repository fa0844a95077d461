// Calls a Bedrock-compatible endpoint with the AWS SDK for JavaScript v3, the way a Node user would,
// so the suite can prove the local endpoint is not Java-specific.
//
//   node check.mjs --endpoint http://127.0.0.1:PORT [--handler h2|h1] [--ops Converse,ConverseStream,...]
//                  [--model global.anthropic.claude-haiku-4-5-20251001-v1:0] [--prompt "Hello"]
//
// --handler h2 (default) keeps the client's own HTTP/2 handler; h1 plugs in NodeHttpHandler (HTTP/1.1).
// Prints one JSON line per operation: {"op","handler","text","stopReason","inputTokens","outputTokens"}.
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the region from AWS_REGION.
// Exit code 0 when every operation succeeded, 1 otherwise (one line per failure on stderr).
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const ALL_OPS = ["Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream"];

function parseArgs(argv) {
  const opts = {
    endpoint: undefined,
    handler: "h2",
    ops: ALL_OPS,
    model: "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    prompt: "Say hello from the JavaScript SDK",
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    i++;
    if (key === "--endpoint") opts.endpoint = value;
    else if (key === "--handler") opts.handler = value;
    else if (key === "--ops") opts.ops = value.split(",").filter(Boolean);
    else if (key === "--model") opts.model = value;
    else if (key === "--prompt") opts.prompt = value;
    else throw new Error(`unknown option ${key}`);
  }
  if (!opts.endpoint) throw new Error("--endpoint is required");
  if (!["h1", "h2"].includes(opts.handler)) throw new Error("--handler must be h1 or h2");
  for (const op of opts.ops) if (!ALL_OPS.includes(op)) throw new Error(`unknown operation ${op}`);
  return opts;
}

function nativeClaudeBody(prompt) {
  return JSON.stringify({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 200,
    messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
  });
}

async function converse(client, o) {
  const r = await client.send(new ConverseCommand({
    modelId: o.model,
    messages: [{ role: "user", content: [{ text: o.prompt }] }],
    inferenceConfig: { maxTokens: 200 },
  }));
  const text = (r.output?.message?.content ?? []).map((b) => b.text ?? "").join("");
  return { text, stopReason: r.stopReason, inputTokens: r.usage?.inputTokens, outputTokens: r.usage?.outputTokens };
}

async function converseStream(client, o) {
  const r = await client.send(new ConverseStreamCommand({
    modelId: o.model,
    messages: [{ role: "user", content: [{ text: o.prompt }] }],
    inferenceConfig: { maxTokens: 200 },
  }));
  const out = { text: "", stopReason: undefined, inputTokens: undefined, outputTokens: undefined };
  for await (const event of r.stream) {
    if (event.contentBlockDelta?.delta?.text) out.text += event.contentBlockDelta.delta.text;
    if (event.messageStop) out.stopReason = event.messageStop.stopReason;
    if (event.metadata?.usage) {
      out.inputTokens = event.metadata.usage.inputTokens;
      out.outputTokens = event.metadata.usage.outputTokens;
    }
  }
  if (out.stopReason === undefined) throw new Error("ConverseStream ended without messageStop");
  return out;
}

async function invokeModel(client, o) {
  const r = await client.send(new InvokeModelCommand({
    modelId: o.model,
    contentType: "application/json",
    accept: "application/json",
    body: nativeClaudeBody(o.prompt),
  }));
  const body = JSON.parse(new TextDecoder().decode(r.body));
  const text = (body.content ?? []).filter((b) => b.type === "text").map((b) => b.text).join("");
  return { text, stopReason: body.stop_reason, inputTokens: body.usage?.input_tokens, outputTokens: body.usage?.output_tokens };
}

async function invokeModelWithResponseStream(client, o) {
  const r = await client.send(new InvokeModelWithResponseStreamCommand({
    modelId: o.model,
    contentType: "application/json",
    accept: "application/json",
    body: nativeClaudeBody(o.prompt),
  }));
  const out = { text: "", stopReason: undefined, inputTokens: undefined, outputTokens: undefined };
  for await (const event of r.body) {
    if (!event.chunk?.bytes) continue;
    const chunk = JSON.parse(new TextDecoder().decode(event.chunk.bytes));
    if (chunk.type === "content_block_delta" && chunk.delta?.type === "text_delta") out.text += chunk.delta.text;
    if (chunk.type === "message_delta") out.stopReason = chunk.delta?.stop_reason;
    const metrics = chunk["amazon-bedrock-invocationMetrics"];
    if (metrics) {
      out.inputTokens = metrics.inputTokenCount;
      out.outputTokens = metrics.outputTokenCount;
    }
  }
  if (out.stopReason === undefined) throw new Error("InvokeModelWithResponseStream ended without message_delta");
  return out;
}

const RUNNERS = {
  Converse: converse,
  ConverseStream: converseStream,
  InvokeModel: invokeModel,
  InvokeModelWithResponseStream: invokeModelWithResponseStream,
};

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`❌ ${e.message}`);
    process.exit(2);
  }
  const config = { endpoint: opts.endpoint, maxAttempts: 1 };
  if (opts.handler === "h1") config.requestHandler = new NodeHttpHandler();
  const client = new BedrockRuntimeClient(config);
  let failed = 0;
  for (const op of opts.ops) {
    try {
      const result = await RUNNERS[op](client, opts);
      console.log(JSON.stringify({ op, handler: opts.handler, ...result }));
    } catch (e) {
      failed++;
      console.error(`❌ ${op} (${opts.handler}): ${e.name}: ${e.message}`);
    }
  }
  client.destroy();
  process.exit(failed === 0 ? 0 : 1);
}

main();
