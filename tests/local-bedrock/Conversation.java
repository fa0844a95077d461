import com.fasterxml.jackson.databind.JsonNode;

/**
 * Multi-turn rules of Converse/ConverseStream that Bedrock checks before the model runs (the
 * request's shape is checked first by {@link RuntimeSupport#converseMessages}): roles alternate
 * user/assistant starting with user, and text blocks are not blank — with AWS's messages
 * (wire doc §12; the alternation message is the one users report from the service).
 */
final class Conversation {
    static final String ALTERNATE = "A conversation must alternate between user and assistant roles. "
            + "Make sure the conversation alternates between user and assistant roles and try again.";

    static void check(JsonNode messages, JsonNode system) {
        String previous = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            if (role.equals(previous)) throw ApiError.validation(ALTERNATE);
            previous = role;
            JsonNode content = m.path("content");
            if (content.isEmpty()) {
                throw ApiError.constraint("[]", "messages." + (i + 1) + ".member.content",
                        "Member must have length greater than or equal to 1");
            }
            for (int j = 0; j < content.size(); j++) {
                JsonNode text = content.get(j).get("text");
                if (text != null && text.isTextual() && text.asText().isBlank()) {
                    throw ApiError.validation("The text field in the ContentBlock object at messages." + i + ".content." + j
                            + " is blank. Add text to the text field, and try again.");
                }
            }
        }
        if (system != null && system.isArray()) {
            for (int i = 0; i < system.size(); i++) {
                JsonNode text = system.get(i).get("text");
                if (text != null && text.isTextual() && text.asText().isBlank()) {
                    throw ApiError.validation("The text field in the SystemContentBlock object at system." + i
                            + " is blank. Add text to the text field, and try again.");
                }
            }
        }
    }

    private Conversation() {}
}
