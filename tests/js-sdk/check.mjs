// Calls a Bedrock-compatible endpoint with the AWS SDK for JavaScript v3, the way a Node user would,
// so the suite can prove the local endpoint is not Java-specific.
//
//   node check.mjs --endpoint http://127.0.0.1:PORT [--handler h2|h1] [--ops Converse,ConverseStream,...]
//                  [--model global.anthropic.claude-haiku-4-5-20251001-v1:0] [--prompt "Hello"]
//   node check.mjs --endpoint http://127.0.0.1:PORT [--handler h2|h1] --features all|tools,structured,...
//
// --handler h2 (default) keeps the client's own HTTP/2 handler; h1 plugs in NodeHttpHandler (HTTP/1.1).
// Prints one JSON line per operation: {"op","handler","text","stopReason","inputTokens","outputTokens"}.
// With --features: one line per Converse feature of issue 12 instead ({"feature", …what the SDK saw}):
// tools, tools-stream, structured, cache, attachments, reasoning, service-tier — one call (or one
// exchange) each, on the global profiles the Java samples use.
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
    features: undefined,
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
    else if (key === "--features") opts.features = value === "all" ? ALL_FEATURES : value.split(",").filter(Boolean);
    else throw new Error(`unknown option ${key}`);
  }
  if (!opts.endpoint) throw new Error("--endpoint is required");
  if (!["h1", "h2"].includes(opts.handler)) throw new Error("--handler must be h1 or h2");
  for (const op of opts.ops) if (!ALL_OPS.includes(op)) throw new Error(`unknown operation ${op}`);
  for (const f of opts.features ?? []) if (!ALL_FEATURES.includes(f)) throw new Error(`unknown feature ${f}`);
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

// ---------------------------------------------------------------- Converse features (issue 12)

const HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
const SONNET_45 = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
const OPUS_46 = "global.anthropic.claude-opus-4-6-v1";
const NOVA = "global.amazon.nova-2-lite-v1:0";
const ALL_FEATURES = ["tools", "tools-stream", "structured", "cache", "attachments", "reasoning", "service-tier"];

const TIME_TOOL = {
  tools: [{
    toolSpec: {
      name: "current_time",
      description: "The current time in an IANA time zone",
      inputSchema: { json: { type: "object", properties: { timeZone: { type: "string", examples: ["Asia/Kolkata"] } }, required: ["timeZone"] } },
    },
  }],
};

const textOf = (message) => (message?.content ?? []).map((b) => b.text ?? "").join("");

async function featureTools(client) {
  const messages = [{ role: "user", content: [{ text: "What time is it in Kolkata?" }] }];
  const first = await client.send(new ConverseCommand({ modelId: HAIKU, messages, toolConfig: TIME_TOOL }));
  const use = first.output.message.content.find((b) => b.toolUse)?.toolUse;
  if (!use) throw new Error(`no toolUse block (stopReason ${first.stopReason})`);
  messages.push(first.output.message);
  messages.push({ role: "user", content: [{ toolResult: { toolUseId: use.toolUseId, status: "success", content: [{ json: { time: "17:30 IST" } }] } }] });
  const last = await client.send(new ConverseCommand({ modelId: HAIKU, messages, toolConfig: TIME_TOOL }));
  return { stopReasons: [first.stopReason, last.stopReason], toolName: use.name, toolUseId: use.toolUseId, input: use.input, text: textOf(last.output.message) };
}

async function featureToolsStream(client) {
  const r = await client.send(new ConverseStreamCommand({
    modelId: NOVA, messages: [{ role: "user", content: [{ text: "What time is it in Kolkata?" }] }], toolConfig: TIME_TOOL,
  }));
  const out = { toolName: undefined, pieces: 0, input: undefined, stopReason: undefined };
  let json = "";
  for await (const event of r.stream) {
    if (event.contentBlockStart?.start?.toolUse) out.toolName = event.contentBlockStart.start.toolUse.name;
    const piece = event.contentBlockDelta?.delta?.toolUse?.input;
    if (piece !== undefined) { out.pieces++; json += piece; }
    if (event.messageStop) out.stopReason = event.messageStop.stopReason;
  }
  out.input = JSON.parse(json);
  return out;
}

async function featureStructured(client) {
  const schema = {
    type: "object", additionalProperties: false, required: ["city", "population"],
    properties: { city: { type: "string", examples: ["Mumbai"] }, population: { type: "integer", minimum: 1000 } },
  };
  const r = await client.send(new ConverseCommand({
    modelId: HAIKU, messages: [{ role: "user", content: [{ text: "The largest city in India, as JSON" }] }],
    outputConfig: { textFormat: { type: "json_schema", structure: { jsonSchema: { name: "city", schema: JSON.stringify(schema) } } } },
  }));
  return { stopReason: r.stopReason, answer: JSON.parse(textOf(r.output.message)) };
}

async function featureCache(client) {
  let prompt = "You answer questions about global cross-Region inference. ";
  while (prompt.length < 1200 * 4) prompt += "A global profile routes each request to a commercial Region with capacity. ";
  const ask = (question) => client.send(new ConverseCommand({
    modelId: SONNET_45,
    system: [{ text: prompt }, { cachePoint: { type: "default", ttl: "1h" } }],
    messages: [{ role: "user", content: [{ text: question }] }],
  }));
  const first = await ask("First question");
  const second = await ask("Second question");
  return {
    prefixChars: prompt.length,
    write: first.usage.cacheWriteInputTokens, firstRead: first.usage.cacheReadInputTokens, ttl: first.usage.cacheDetails?.[0]?.ttl,
    read: second.usage.cacheReadInputTokens, secondWrite: second.usage.cacheWriteInputTokens,
  };
}

async function featureAttachments(client) {
  const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    0, 0, 0, 32, 0, 0, 0, 16, 8, 2, 0, 0, 0, 0, 0, 0, 0]);
  const r = await client.send(new ConverseCommand({
    modelId: "global.anthropic.claude-sonnet-4-6",
    messages: [{ role: "user", content: [
      { text: "Describe the attachments" },
      { document: { format: "pdf", name: "CRIS overview", source: { bytes: pdf } } },
      { image: { format: "png", source: { bytes: png } } },
    ] }],
  }));
  return { stopReason: r.stopReason, text: textOf(r.output.message), pdfBytes: pdf.length, pngBytes: png.length };
}

async function featureReasoning(client) {
  const fields = { thinking: { type: "adaptive" } };
  const messages = [{ role: "user", content: [{ text: "Why use a global profile?" }] }];
  const first = await client.send(new ConverseCommand({ modelId: OPUS_46, messages, additionalModelRequestFields: fields, outputConfig: { effort: "low" } }));
  const reasoning = first.output.message.content.find((b) => b.reasoningContent)?.reasoningContent?.reasoningText;
  if (!reasoning?.signature) throw new Error("no signed reasoning block");
  messages.push(first.output.message, { role: "user", content: [{ text: "And what about quotas?" }] });
  const second = await client.send(new ConverseCommand({ modelId: OPUS_46, messages, additionalModelRequestFields: fields }));
  return { reasoningText: reasoning.text, signatureLength: reasoning.signature.length, secondStopReason: second.stopReason };
}

async function featureServiceTier(client) {
  const c = await client.send(new ConverseCommand({
    modelId: NOVA, messages: [{ role: "user", content: [{ text: "Which tier?" }] }], serviceTier: { type: "flex" },
  }));
  const i = await client.send(new InvokeModelCommand({
    modelId: NOVA, contentType: "application/json", accept: "application/json", serviceTier: "priority",
    body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Which tier?" }] }], inferenceConfig: { max_new_tokens: 100 } }),
  }));
  return { converse: c.serviceTier?.type, latencyMs: c.metrics?.latencyMs, invoke: i.serviceTier };
}

const FEATURES = {
  tools: featureTools,
  "tools-stream": featureToolsStream,
  structured: featureStructured,
  cache: featureCache,
  attachments: featureAttachments,
  reasoning: featureReasoning,
  "service-tier": featureServiceTier,
};

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
  for (const feature of opts.features ?? []) {
    try {
      const result = await FEATURES[feature](client);
      console.log(JSON.stringify({ feature, handler: opts.handler, ...result }));
    } catch (e) {
      failed++;
      console.error(`❌ ${feature} (${opts.handler}): ${e.name}: ${e.message}`);
    }
  }
  for (const op of opts.features ? [] : opts.ops) {
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
