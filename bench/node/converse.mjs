// Node.js counterpart of `./jbang converse-haiku`: one Converse call to Claude Haiku 4.5 through its
// global cross-Region inference profile, printed the same way as the Java sample.
//
//   node converse.mjs [--prompt "Hello"] [--max-tokens 500] [--model-id ID] [--region us-east-1]
//
// Endpoint and credentials come from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...).
// NodeHttpHandler (HTTP/1.1) replaces the client's default HTTP/2 handler so that both SDKs speak
// the same protocol to the endpoint.
import { parseArgs } from "node:util";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { MODEL_ID, DEFAULT_REGION, printUsage, fail } from "./common.mjs";

const { values: o } = parseArgs({
  options: {
    prompt: { type: "string", default: "Explain cloud computing in 2 sentences." },
    "max-tokens": { type: "string", default: "500" },
    "model-id": { type: "string", default: MODEL_ID },
    region: { type: "string", default: process.env.AWS_REGION ?? DEFAULT_REGION },
  },
});

const client = new BedrockRuntimeClient({ region: o.region, requestHandler: new NodeHttpHandler() });
try {
  console.log(`🚀 Calling ${o["model-id"]} with the Converse API in ${o.region}`);
  const response = await client.send(new ConverseCommand({
    modelId: o["model-id"],
    messages: [{ role: "user", content: [{ text: o.prompt }] }],
    inferenceConfig: { maxTokens: Number(o["max-tokens"]) },
  }));
  const text = (response.output?.message?.content ?? [])
    .filter((block) => block.text !== undefined)
    .map((block) => block.text)
    .join("");
  console.log("💬 Response:");
  console.log(text);
  console.log(`🛑 Stop reason: ${response.stopReason}`);
  printUsage(response.usage);
  console.log("✅ Completed successfully");
} catch (e) {
  fail(e);
} finally {
  client.destroy();
}
