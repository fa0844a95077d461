import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer in the service's own shape: the router renders it as JSON with
 * {@code x-amzn-ErrorType} (bedrock-runtime, bedrock), S3 XML {@code <Error>}, or STS XML
 * {@code <ErrorResponse>}. Status codes, codes and messages follow AWS documentation.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String code;
    /** Extra members of the error body (e.g. originalStatusCode, BucketName). */
    final Map<String, Object> extra = new LinkedHashMap<>();

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    ApiError with(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    static ApiError validation(String message) {
        return new ApiError(400, "ValidationException", message);
    }

    /** One member's constraint, as the service words it: "1 validation error detected: Value … at 'path' failed to satisfy constraint: rule". */
    static ApiError constraint(String value, String path, String rule) {
        return validation("1 validation error detected: Value " + (value == null ? "null" : "'" + value + "'") + " at '" + path
                + "' failed to satisfy constraint: " + rule);
    }

    /** A required member that is absent. */
    static ApiError missing(String path) {
        return constraint(null, path, "Member must not be null");
    }

    /** A member outside its enum; {@code allowed} as the service lists it, e.g. "user, assistant". */
    static ApiError notInSet(String value, String path, String allowed) {
        return constraint(value, path, "Member must satisfy enum value set: [" + allowed + "]");
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "ResourceNotFoundException", message);
    }

    static ApiError accessDenied(String message) {
        return new ApiError(403, "AccessDeniedException", message);
    }
}
