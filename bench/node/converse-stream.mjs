// Node.js counterpart of `./jbang converse-stream-haiku`: one ConverseStream call to Claude Haiku 4.5
// through its global cross-Region inference profile; text deltas are written as they arrive.
//
//   node converse-stream.mjs [--prompt "Hello"] [--max-tokens 500] [--temperature 0.7] [--model-id ID] [--region us-east-1]
//
// Endpoint and credentials come from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...).
// NodeHttpHandler (HTTP/1.1) replaces the client's default HTTP/2 handler (the Java sample keeps
// Netty's HTTP/2, which the local endpoint also speaks).
import { parseArgs } from "node:util";
import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { MODEL_ID, DEFAULT_REGION, printUsage, fail } from "./common.mjs";

const { values: o } = parseArgs({
  options: {
    prompt: { type: "string", default: "Explain the benefits of serverless computing in 3 bullet points." },
    "max-tokens": { type: "string", default: "500" },
    temperature: { type: "string", default: "0.7" },
    "model-id": { type: "string", default: MODEL_ID },
    region: { type: "string", default: process.env.AWS_REGION ?? DEFAULT_REGION },
  },
});

const client = new BedrockRuntimeClient({ region: o.region, requestHandler: new NodeHttpHandler() });
try {
  console.log(`🚀 Calling ${o["model-id"]} with the ConverseStream API in ${o.region}`);
  console.log("💬 Response:");
  const response = await client.send(new ConverseStreamCommand({
    modelId: o["model-id"],
    messages: [{ role: "user", content: [{ text: o.prompt }] }],
    inferenceConfig: { maxTokens: Number(o["max-tokens"]), temperature: Number(o.temperature) },
  }));
  let stopReason;
  let usage;
  for await (const event of response.stream) {
    const text = event.contentBlockDelta?.delta?.text;
    if (text !== undefined) process.stdout.write(text);
    if (event.messageStop) stopReason = event.messageStop.stopReason;
    if (event.metadata) usage = event.metadata.usage;
  }
  process.stdout.write("\n");
  if (stopReason === undefined) throw new Error("the stream ended before messageStop: the answer is incomplete — retry");
  console.log(`🛑 Stop reason: ${stopReason}`);
  printUsage(usage);
  console.log("✅ Completed successfully");
} catch (e) {
  fail(e);
} finally {
  client.destroy();
}
