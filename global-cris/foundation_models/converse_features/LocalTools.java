//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:bedrockruntime
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultStatus;

/**
 * The two tools of the tool-use samples ({@code converse-tools-haiku}, {@code converse-stream-tools-haiku}):
 * their specifications for {@code toolConfig}, and their code, which runs here on the caller's machine.
 * The model only chooses a tool and writes its input; running it and answering with a
 * {@code toolResult} is the caller's job.
 *
 * <ul>
 *   <li>{@code current_time}: the current date and time in an IANA time zone ({@code java.time});</li>
 *   <li>{@code convert_units}: a length, mass or temperature converted from one unit to another.</li>
 * </ul>
 *
 * <p>A tool that fails (unknown time zone, unit pair that does not convert, missing field) does not
 * end the program: it answers with a {@code toolResult} of status {@code error} and a message the model
 * can read, and the model decides what to tell the user.
 */
final class LocalTools {
    private LocalTools() {}

    static final String CURRENT_TIME = "current_time";
    static final String CONVERT_UNITS = "convert_units";

    /** What running a tool gave: a JSON result, or an error message for the model. */
    record Outcome(JsonNode json, String error) {
        boolean failed() {
            return error != null;
        }

        /** The {@code toolResult} block that answers the model's {@code toolUse} with this id. */
        ToolResultBlock toToolResult(String toolUseId) {
            return failed()
                    ? ToolResultBlock.builder().toolUseId(toolUseId).status(ToolResultStatus.ERROR)
                            .content(ToolResultContentBlock.fromText(error)).build()
                    : ToolResultBlock.builder().toolUseId(toolUseId).status(ToolResultStatus.SUCCESS)
                            .content(ToolResultContentBlock.fromJson(toDocument(json))).build();
        }

        /** One line for the console. */
        String describe() {
            return failed() ? "error: " + error : json.toString();
        }
    }

    // Units each conversion knows, with the factor to the base unit (metre, kilogram).
    private static final Map<String, BigDecimal> LENGTH = Map.of(
            "km", new BigDecimal("1000"), "m", BigDecimal.ONE, "mi", new BigDecimal("1609.344"), "ft", new BigDecimal("0.3048"));
    private static final Map<String, BigDecimal> MASS = Map.of(
            "kg", BigDecimal.ONE, "lb", new BigDecimal("0.45359237"));
    private static final List<String> UNITS = List.of("km", "mi", "m", "ft", "kg", "lb", "celsius", "fahrenheit");

    // snippet-start:[bedrock.converse-tools.tool-config]
    /**
     * The tools as Bedrock takes them: name, description and a JSON schema for the input, built with
     * the SDK's {@link Document} API. {@code examples} and {@code enum} tell a model what a good input
     * looks like (the local endpoint's deterministic model picks the first one); {@code required} and
     * {@code additionalProperties: false} say what it must and must not send.
     */
    static ToolConfiguration toolConfig() {
        Document timeSchema = Document.mapBuilder()
                .putString("type", "object")
                .putMap("properties", p -> p
                        .putMap("timeZone", f -> f
                                .putString("type", "string")
                                .putString("description", "IANA time zone ID, for example Europe/Paris or America/New_York")
                                .putList("examples", l -> l.addString("Asia/Tokyo").addString("Europe/Paris"))))
                .putList("required", l -> l.addString("timeZone"))
                .putBoolean("additionalProperties", false)
                .build();
        Document convertSchema = Document.mapBuilder()
                .putString("type", "object")
                .putMap("properties", p -> p
                        .putMap("value", f -> f
                                .putString("type", "number")
                                .putString("description", "The quantity to convert")
                                .putList("examples", l -> l.addNumber(42.195)))
                        // The same units in both lists; each list starts with the usual partner of the other's first unit.
                        .putMap("fromUnit", f -> f
                                .putString("type", "string")
                                .putList("enum", l -> UNITS.forEach(l::addString)))
                        .putMap("toUnit", f -> f
                                .putString("type", "string")
                                .putList("enum", l -> List.of("mi", "km", "ft", "m", "lb", "kg", "fahrenheit", "celsius").forEach(l::addString))))
                .putList("required", l -> l.addString("value").addString("fromUnit").addString("toUnit"))
                .putBoolean("additionalProperties", false)
                .build();
        return ToolConfiguration.builder()
                .tools(Tool.fromToolSpec(s -> s.name(CURRENT_TIME)
                                .description("Returns the current date, time and UTC offset in a time zone.")
                                .inputSchema(i -> i.json(timeSchema))),
                        Tool.fromToolSpec(s -> s.name(CONVERT_UNITS)
                                .description("Converts a length (km, mi, m, ft), a mass (kg, lb) or a temperature (celsius, fahrenheit).")
                                .inputSchema(i -> i.json(convertSchema))))
                .build();
    }
    // snippet-end:[bedrock.converse-tools.tool-config]

    /** Runs the tool the model asked for; a failure becomes an error {@link Outcome}, never an exception. */
    static Outcome run(String name, JsonNode input) {
        try {
            if (input == null || !input.isObject()) throw new IllegalArgumentException("the input must be a JSON object");
            switch (name) {
                case CURRENT_TIME:
                    return new Outcome(currentTime(requiredText(input, "timeZone")), null);
                case CONVERT_UNITS:
                    JsonNode value = input.get("value");
                    if (value == null || !value.isNumber()) throw new IllegalArgumentException("'value' must be a number");
                    return new Outcome(convert(value.decimalValue(), requiredText(input, "fromUnit"), requiredText(input, "toUnit")), null);
                default:
                    return new Outcome(null, "there is no tool named '" + name + "'; the tools are " + CURRENT_TIME + " and " + CONVERT_UNITS);
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            return new Outcome(null, e.getMessage());
        }
    }

    static ObjectNode currentTime(String timeZone) {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + timeZone + "': use an IANA ID such as Europe/Paris");
        }
        ZonedDateTime now = ZonedDateTime.now(zone);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("timeZone", zone.getId());
        out.put("localDateTime", now.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)));
        out.put("utcOffset", now.getOffset().getId());
        out.put("dayOfWeek", now.getDayOfWeek().toString());
        return out;
    }

    static ObjectNode convert(BigDecimal value, String from, String to) {
        BigDecimal result;
        if (LENGTH.containsKey(from) && LENGTH.containsKey(to)) {
            result = value.multiply(LENGTH.get(from)).divide(LENGTH.get(to), 6, RoundingMode.HALF_EVEN);
        } else if (MASS.containsKey(from) && MASS.containsKey(to)) {
            result = value.multiply(MASS.get(from)).divide(MASS.get(to), 6, RoundingMode.HALF_EVEN);
        } else if (isTemperature(from) && isTemperature(to)) {
            BigDecimal celsius = from.equals("celsius") ? value
                    : value.subtract(new BigDecimal(32)).multiply(new BigDecimal(5)).divide(new BigDecimal(9), 6, RoundingMode.HALF_EVEN);
            result = to.equals("celsius") ? celsius : celsius.multiply(new BigDecimal(9)).divide(new BigDecimal(5), 6, RoundingMode.HALF_EVEN).add(new BigDecimal(32));
        } else {
            throw new IllegalArgumentException("cannot convert " + from + " to " + to + ": both units must be lengths ("
                    + String.join(", ", LENGTH.keySet().stream().sorted().toList()) + "), masses (kg, lb) or temperatures (celsius, fahrenheit)");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("value", value);
        out.put("fromUnit", from);
        out.put("result", result.setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros());
        out.put("toUnit", to);
        return out;
    }

    private static boolean isTemperature(String unit) {
        return unit.equals("celsius") || unit.equals("fahrenheit");
    }

    private static String requiredText(JsonNode input, String field) {
        JsonNode v = input.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException("'" + field + "' is required and must be a string");
        return v.asText().trim();
    }

    // ---- Document <-> Jackson: the SDK models JSON as Document, the tools read Jackson trees ----

    static JsonNode toJson(Document d) {
        if (d == null || d.isNull()) return JsonNodeFactory.instance.nullNode();
        if (d.isBoolean()) return JsonNodeFactory.instance.booleanNode(d.asBoolean());
        if (d.isString()) return JsonNodeFactory.instance.textNode(d.asString());
        if (d.isNumber()) return JsonNodeFactory.instance.numberNode(d.asNumber().bigDecimalValue());
        if (d.isList()) {
            var array = JsonNodeFactory.instance.arrayNode();
            d.asList().forEach(item -> array.add(toJson(item)));
            return array;
        }
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        d.asMap().forEach((k, v) -> object.set(k, toJson(v)));
        return object;
    }

    static Document toDocument(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return Document.fromNull();
        if (n.isBoolean()) return Document.fromBoolean(n.booleanValue());
        if (n.isTextual()) return Document.fromString(n.textValue());
        if (n.isNumber()) return Document.fromNumber(n.decimalValue());
        if (n.isArray()) {
            List<Document> items = new ArrayList<>();
            n.forEach(item -> items.add(toDocument(item)));
            return Document.fromList(items);
        }
        Map<String, Document> fields = new LinkedHashMap<>();
        n.properties().forEach(e -> fields.put(e.getKey(), toDocument(e.getValue())));
        return Document.fromMap(fields);
    }

    /** Jackson for the tool input the stream delivers as JSON text. */
    static final ObjectMapper JSON = new ObjectMapper();
}
