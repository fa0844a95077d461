// Shared by converse.mjs and converse-stream.mjs: the Java samples' defaults and output lines, so the
// Node.js programs send the same request and print the same story.
export const MODEL_ID = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
export const DEFAULT_REGION = "ap-south-1";

export function printUsage(usage) {
  if (!usage) return;
  console.log(`🔢 Input tokens: ${usage.inputTokens}`);
  console.log(`🔢 Output tokens: ${usage.outputTokens}`);
  console.log(`🔢 Total tokens: ${usage.totalTokens}`);
  if (usage.cacheReadInputTokens) console.log(`🔢 Cache read input tokens: ${usage.cacheReadInputTokens}`);
  if (usage.cacheWriteInputTokens) console.log(`🔢 Cache write input tokens: ${usage.cacheWriteInputTokens}`);
}

export function fail(e) {
  console.error(`❌ ${e.name}: ${e.message}`);
  process.exitCode = 1;
}
