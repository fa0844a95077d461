import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic local answers and token counts. Nothing here imitates a model: the text says it
 * comes from the local endpoint and echoes the start of the prompt. Token counts are consistent:
 * input = 8 + ceil(prompt characters / 4), output = ceil(answer characters / 4) and never more
 * than the max tokens asked for (the answer is cut and the max-tokens stop reason returned).
 */
final class Answers {
    static final int INPUT_OVERHEAD = 8;

    /** An answer: optional thinking text, the text, and its token counts. */
    record Answer(String thinking, String text, int inputTokens, int outputTokens, boolean truncated) {
        int totalTokens() {
            return inputTokens + outputTokens;
        }
    }

    static int tokens(String s) {
        return s == null || s.isEmpty() ? 0 : (s.length() + 3) / 4;
    }

    static int inputTokens(int promptChars) {
        return INPUT_OVERHEAD + (promptChars + 3) / 4;
    }

    /** The first words of a prompt (at most 6), as echoed in answers. */
    static String firstWords(String prompt) {
        String[] words = prompt == null ? new String[0] : prompt.trim().split("\\s+");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(6, words.length); i++) {
            if (i > 0) b.append(' ');
            b.append(words[i]);
        }
        return b.toString();
    }

    /**
     * @param lastPrompt  the last user prompt (echoed)
     * @param promptChars characters of everything sent (system + all messages), for input tokens
     * @param maxTokens   output limit
     * @param thinking    whether a thinking/reasoning text is produced first
     */
    static Answer answer(Models.Model model, String lastPrompt, int promptChars, int maxTokens, boolean thinking) {
        String words = firstWords(lastPrompt);
        boolean more = lastPrompt != null && !words.equals(lastPrompt.trim());
        String text = "[local-bedrock] You asked: \"" + words + "\"" + (more ? " \u2026" : "")
                + " This is a deterministic answer from the local Bedrock-compatible endpoint for "
                + model.displayName() + "; no AWS model was called.";
        String think = thinking ? "[local-bedrock] Thinking about \"" + words + "\" before answering." : null;
        int in = inputTokens(promptChars);
        int budget = Math.max(1, maxTokens);
        boolean truncated = false;
        if (think != null && tokens(think) >= budget) {
            think = think.substring(0, Math.min(think.length(), (budget - 1) * 4));
            if (think.isEmpty()) think = null;
        }
        int left = budget - tokens(think);
        if (tokens(text) > left) {
            text = text.substring(0, Math.max(0, Math.min(text.length(), left * 4)));
            truncated = true;
        }
        return new Answer(think, text, in, tokens(think) + tokens(text), truncated);
    }

    /** Splits a text into several deltas on word boundaries (at least 3 when long enough). */
    static List<String> pieces(String text, int wordsPerPiece) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        int start = 0;
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && ++words % wordsPerPiece == 0) {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    private Answers() {}
}
