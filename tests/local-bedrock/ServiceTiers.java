import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Service tiers: Converse/ConverseStream {@code serviceTier{type}} and InvokeModel*'s
 * {@code X-Amzn-Bedrock-Service-Tier} header (SDK 2.57.8 {@code ServiceTierType}: priority, default,
 * flex, reserved). The tier that served the request is echoed in the Converse response, the stream's
 * {@code metadata} event and InvokeModel's response header.
 *
 * <p>Messages users observed from the service: an unknown tier → "service tier provided is invalid";
 * {@code reserved} without a reservation → "Reservation not found." Which model/Region pairs refuse
 * priority or flex could not be confirmed (AWS's service-tier page lists models per Region), so no
 * model is refused here; the local-only {@code tier-unavailable=TIER} fault makes the endpoint refuse
 * a tier, for testing how a caller reports it.
 */
final class ServiceTiers {
    static final Set<String> TIERS = Set.of("priority", "default", "flex", "reserved");
    static final String INVALID = "service tier provided is invalid";
    static final String NO_RESERVATION = "Reservation not found.";

    /** Checks a Converse serviceTier object (may be null). */
    static void checkConverse(JsonNode serviceTier, Models.Model model, Faults faults) {
        if (serviceTier == null || serviceTier.isNull()) return;
        if (!serviceTier.isObject()) {
            throw ApiError.validation("1 validation error detected: Value at 'serviceTier' failed to satisfy constraint: Member must be a structure");
        }
        JsonNode type = serviceTier.get("type");
        if (type == null || type.isNull()) {
            throw ApiError.missing("serviceTier.type");
        }
        check(type.asText(), model, faults);
    }

    /** Checks InvokeModel*'s X-Amzn-Bedrock-Service-Tier header value (may be null). */
    static void checkHeader(String value, Models.Model model, Faults faults) {
        if (value != null) check(value, model, faults);
    }

    private static void check(String tier, Models.Model model, Faults faults) {
        if (!TIERS.contains(tier)) throw ApiError.validation(INVALID);
        if (tier.equals("reserved")) throw ApiError.validation(NO_RESERVATION);
        if (faults != null && faults.refusesTier(tier)) {
            throw ApiError.validation("The service tier " + tier + " is not available for " + model.displayName()
                    + " in this Region (local-bedrock fault tier-unavailable).");
        }
    }

    private ServiceTiers() {}
}
