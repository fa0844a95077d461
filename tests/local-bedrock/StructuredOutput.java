import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Converse {@code outputConfig} (SDK 2.57.8 {@code OutputConfig}: {@code textFormat} and {@code effort}):
 * structured output with a JSON schema sent as JSON text
 * ({@code textFormat{type:"json_schema", structure{jsonSchema{schema, name?, description?}}}}), and
 * the effort level. The answer text is JSON generated from the schema ({@link JsonSchemas#generate},
 * local-only) — unless the {@code structured-invalid} fault spoils the next one.
 *
 * <p>Models: AWS documents structured outputs for Claude Haiku 4.5, Sonnet 4.5, Opus 4.5 and Opus 4.6
 * (not Sonnet 4.6); Nova 2 Lite is accepted (users report Converse structured output working on
 * Nova; not in the AWS list seen here). Claude requires {@code "additionalProperties": false} on every
 * object schema (Anthropic's structured-output rule).
 */
final class StructuredOutput extends RuntimeSupport {
    static final Set<String> EFFORTS = Set.of("low", "medium", "high", "max");
    static final String UNSUPPORTED = "The model that you provided doesn't support structured outputs (outputConfig.textFormat). "
            + "Try again with a model that supports structured outputs.";

    /** A validated outputConfig: the schema (null when no textFormat) and the effort (null when not set). */
    record Spec(JsonNode schema, String schemaText, String effort) {}

    /** Checks outputConfig and the effort also accepted in additionalModelRequestFields.output_config (Claude's own field). */
    static Spec parse(JsonNode outputConfig, JsonNode extra, Models.Model model) {
        String effort = null;
        JsonNode schema = null;
        String schemaText = null;
        if (outputConfig != null && !outputConfig.isNull()) {
            if (!outputConfig.isObject()) {
                throw ApiError.validation("1 validation error detected: Value at 'outputConfig' failed to satisfy constraint: Member must be a structure");
            }
            JsonNode e = outputConfig.get("effort");
            if (e != null && !e.isNull()) effort = effort(e.asText(), "outputConfig.effort", model);
            JsonNode tf = outputConfig.get("textFormat");
            if (tf != null && !tf.isNull()) {
                String type = tf.path("type").asText(null);
                if (type == null) {
                    throw ApiError.missing("outputConfig.textFormat.type");
                }
                if (!type.equals("json_schema")) {
                    throw ApiError.notInSet(type, "outputConfig.textFormat.type", "json_schema");
                }
                JsonNode js = tf.path("structure").get("jsonSchema");
                if (js == null || !js.isObject()) {
                    throw ApiError.missing("outputConfig.textFormat.structure");
                }
                JsonNode text = js.get("schema");
                if (text == null || !text.isTextual()) {
                    throw ApiError.missing("outputConfig.textFormat.structure.jsonSchema.schema");
                }
                if ("anthropic.claude-sonnet-4-6".equals(model.foundationId())) throw ApiError.validation(UNSUPPORTED);
                schemaText = text.asText();
                try {
                    schema = JSON.readTree(schemaText);
                } catch (IOException ex) {
                    schema = null;
                }
                if (schema == null || !schema.isObject()) {
                    throw ApiError.validation("The JSON schema at outputConfig.textFormat.structure.jsonSchema.schema is not a valid JSON object. "
                            + "Check the schema and try again.");
                }
                if (model.family() == Models.Family.CLAUDE) {
                    List<String> open = JsonSchemas.openObjects(schema);
                    if (!open.isEmpty()) {
                        throw ApiError.validation("The model returned the following errors: output_config.format.schema: For 'object' type, "
                                + "'additionalProperties' must be explicitly set to false");
                    }
                }
            }
        }
        JsonNode native_ = extra == null ? null : extra.path("output_config").get("effort");
        if (native_ != null && !native_.isNull()) {
            String e = effort(native_.asText(), "output_config.effort", model);
            if (effort == null) effort = e;
        }
        return effort == null && schema == null ? null : new Spec(schema, schemaText, effort);
    }

    private static String effort(String value, String field, Models.Model model) {
        if (model.family() == Models.Family.CLAUDE && !EFFORTS.contains(value)) {
            throw ApiError.validation("The model returned the following errors: " + (field.startsWith("outputConfig") ? "output_config.effort" : field)
                    + ": Input should be 'low', 'medium', 'high' or 'max'");
        }
        return value;
    }

    /** The answer text for a structured request: JSON generated from the schema, or the fault's defect. */
    static String answer(Spec spec, Faults faults) {
        JsonNode value = JsonSchemas.generate(spec.schema());
        String defect = faults == null ? null : faults.takeStructuredInvalid();
        if ("not-json".equals(defect)) {
            String json = value.toString();
            return "Here is the JSON you asked for: " + json.substring(0, Math.max(1, json.length() / 2));
        }
        if ("missing-required".equals(defect) && value.isObject()) {
            JsonNode required = spec.schema().path("required");
            String drop = required.isArray() && !required.isEmpty() ? required.get(0).asText()
                    : value.fieldNames().hasNext() ? value.fieldNames().next() : null;
            if (drop != null) ((ObjectNode) value).remove(drop);
        }
        return value.toString();
    }

    private StructuredOutput() {}
}
