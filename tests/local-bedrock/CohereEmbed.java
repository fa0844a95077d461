import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Cohere Embed v4 through InvokeModel (wire doc §4.4): one deterministic vector per text or input
 * for each requested embedding type, of length output_dimension.
 */
final class CohereEmbed extends RuntimeSupport {
    static final List<String> EMBEDDING_TYPES = List.of("float", "int8", "uint8", "binary", "ubinary");

    static void invoke(Call call) throws IOException {
        JsonNode req = parseObject(call.ex.body, true);
        JsonNode inputType = req.get("input_type");
        if (inputType == null) throw ApiError.validation(malformed("#: required key [input_type] not found"));
        if (!Set.of("search_document", "search_query", "classification", "clustering").contains(inputType.asText())) {
            throw ApiError.validation(malformed("#/input_type: " + inputType.asText() + " is not a valid enum value"));
        }
        List<String> items = new ArrayList<>();
        String echoKey = null;
        JsonNode texts = req.get("texts");
        JsonNode images = req.get("images");
        JsonNode inputs = req.get("inputs");
        if (texts != null && images != null) throw ApiError.validation(malformed("#: only one of [texts, images] may be given"));
        if (texts != null) {
            if (!texts.isArray()) throw ApiError.validation(malformed("#/texts: expected type: JSONArray, found: " + typeName(texts)));
            for (JsonNode t : texts) {
                if (!t.isTextual()) throw ApiError.validation(malformed("#/texts: expected type: String, found: " + typeName(t)));
                items.add(t.asText());
            }
            echoKey = "texts";
        } else if (images != null && images.isArray()) {
            images.forEach(i -> items.add(i.asText()));
            echoKey = "images";
        } else if (inputs != null && inputs.isArray()) {
            for (JsonNode in : inputs) {
                StringBuilder b = new StringBuilder();
                for (JsonNode c : in.path("content")) {
                    b.append("text".equals(c.path("type").asText()) ? c.path("text").asText("") : c.toString());
                }
                items.add(b.toString());
            }
            echoKey = "inputs";
        }
        if (items.isEmpty()) throw ApiError.validation(malformed("#: one of [texts, images, inputs] with at least one item is required"));
        if (items.size() > 96) throw ApiError.validation(malformed("#/" + echoKey + ": expected maximum item count: 96, found: " + items.size()));
        int dim = 1536;
        JsonNode od = req.get("output_dimension");
        if (od != null) {
            if (!od.isIntegralNumber() || !Set.of(256, 512, 1024, 1536).contains(od.asInt())) {
                throw ApiError.validation(malformed("#/output_dimension: " + od + " is not a valid enum value (256, 512, 1024, 1536)"));
            }
            dim = od.asInt();
        }
        JsonNode truncate = req.get("truncate");
        if (truncate != null && !Set.of("NONE", "LEFT", "RIGHT").contains(truncate.asText())) {
            throw ApiError.validation(malformed("#/truncate: " + truncate.asText() + " is not a valid enum value"));
        }
        List<String> types = new ArrayList<>();
        JsonNode et = req.get("embedding_types");
        if (et != null) {
            if (!et.isArray()) throw ApiError.validation(malformed("#/embedding_types: expected type: JSONArray, found: " + typeName(et)));
            for (JsonNode t : et) {
                if (!EMBEDDING_TYPES.contains(t.asText())) {
                    throw ApiError.validation(malformed("#/embedding_types: " + t.asText() + " is not a valid enum value"));
                }
                if (!types.contains(t.asText())) types.add(t.asText());
            }
        }
        ObjectNode out = F.objectNode().put("id", call.ex.requestId);
        List<float[]> vectors = new ArrayList<>();
        int inputTokens = 0;
        for (String item : items) {
            vectors.add(Embeddings.unitVector(item, dim));
            inputTokens += Math.max(1, Answers.tokens(item));
        }
        if (types.isEmpty()) {
            ArrayNode list = out.putArray("embeddings");
            for (float[] v : vectors) list.add(Embeddings.toJson(v, "float"));
            out.put("response_type", "embeddings_floats");
        } else {
            ObjectNode byType = out.putObject("embeddings");
            for (String type : types) {
                ArrayNode list = byType.putArray(type);
                for (float[] v : vectors) list.add(Embeddings.toJson(v, type));
            }
            out.put("response_type", "embeddings_by_type");
        }
        if ("inputs".equals(echoKey)) out.set("inputs", inputs);
        else if ("texts".equals(echoKey)) out.set("texts", texts);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(inputTokens));
        h.put("X-Amzn-Bedrock-Invocation-Latency", Long.toString(call.latencyMs()));
        call.json(out, h);
        call.record(inputTokens, 0);
    }

    /** Deterministic embeddings: a unit vector seeded by the text's hash, and its quantised forms. */
    static final class Embeddings {
        static float[] unitVector(String text, int dim) {
            byte[] h = sha256(text);
            long seed = 0;
            for (int i = 0; i < 8; i++) seed = (seed << 8) | (h[i] & 0xff);
            Random r = new Random(seed);
            float[] v = new float[dim];
            double norm = 0;
            for (int i = 0; i < dim; i++) {
                v[i] = (float) r.nextGaussian();
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dim; i++) v[i] = (float) (v[i] / norm);
            return v;
        }

        static ArrayNode toJson(float[] v, String type) {
            ArrayNode a = F.arrayNode();
            float maxAbs = 1e-9f;
            for (float x : v) maxAbs = Math.max(maxAbs, Math.abs(x));
            switch (type) {
                case "float" -> { for (float x : v) a.add(x); }
                case "int8" -> { for (float x : v) a.add(Math.round(x / maxAbs * 127f)); }
                case "uint8" -> { for (float x : v) a.add(Math.round(x / maxAbs * 127f) + 128); }
                default -> { // binary / ubinary: one bit per dimension (1 when > 0), packed 8 per value
                    for (int i = 0; i < v.length; i += 8) {
                        int b = 0;
                        for (int j = 0; j < 8; j++) b = (b << 1) | (v[i + j] > 0 ? 1 : 0);
                        a.add("binary".equals(type) ? b - 128 : b);
                    }
                }
            }
            return a;
        }

        private Embeddings() {}
    }

    private CohereEmbed() {}
}
