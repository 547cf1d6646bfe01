package io.taskhive.gateway.apidocs;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.customizers.PropertyCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document as clients need it to be exact: operations need the bearer token unless they
 * say otherwise ({@code @SecurityRequirements} with none), every error is the one shared RFC 9457
 * {@code Problem}, and record properties are required (Jackson writes every record component, null
 * or not) and may be null only where they are {@code @Nullable}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER = "bearer";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";
    /** A marker a property carries from the property pass to the document pass (then removed). */
    private static final String OPTIONAL_MARK = "x-taskhive-optional";

    static {
        // Payloads and results are any JSON here; their real shapes come from the task types
        // (TaskTypeDocumentation), not from the bean properties of Jackson's JsonNode.
        SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new JsonSchema());
    }

    /** The problem responses, by status: their name in components/responses and when they happen. */
    private record Problem(String name, String description) {
    }

    private static final Map<Integer, Problem> PROBLEMS = new LinkedHashMap<>();

    static {
        PROBLEMS.put(400, new Problem("BadRequest", "The request is invalid: malformed JSON, a missing or out-of-range "
                + "value, an unknown task type, a payload its type refuses. `detail` says which."));
        PROBLEMS.put(401, new Problem("Unauthorized", "No valid bearer token: none where one is needed, or an "
                + "invalid or expired one wherever one is sent (for login: a wrong username or password)."));
        PROBLEMS.put(403, new Problem("Forbidden", "The token's user does not have the ADMIN role."));
        PROBLEMS.put(404, new Problem("NotFound", "No such task, or it is another user's (the two look the same)."));
        PROBLEMS.put(409, new Problem("Conflict", "The request conflicts with the current state: a taken username, "
                + "or a task whose status does not allow this."));
        PROBLEMS.put(413, new Problem("ContentTooLarge", "The request body, or a task's payload, is larger than "
                + "the gateway accepts."));
        PROBLEMS.put(429, new Problem("TooManyRequests", "Too many submissions (or failed logins for this "
                + "username); `Retry-After` says when to try again."));
        PROBLEMS.put(500, new Problem("InternalError", "An unexpected error; the gateway logged it in full."));
        PROBLEMS.put(503, new Problem("Unavailable", "The task store cannot be reached right now; `Retry-After` "
                + "says when to try again."));
    }

    @Bean
    OpenAPI taskhiveOpenApi() {
        Components components = new Components()
                .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .bearerFormat("JWT").description("The token from POST /api/auth/login"))
                .addSchemas("Problem", problemSchema());
        PROBLEMS.forEach((status, problem) -> components.addResponses(problem.name(), problemResponse(status, problem)));
        return new OpenAPI()
                .info(new Info().title("taskhive API").version("v1")
                        .description("Submit tasks, follow them to their outcome, and (admins) watch the fleet. "
                                + "Log in with POST /api/auth/login and send the token as 'Authorization: Bearer ...'. "
                                + "Every error is an RFC 9457 problem (application/problem+json)."))
                // Relative: the document is right on every gateway replica and behind any load balancer.
                .servers(List.of(new Server().url("/").description("The gateway (or load balancer) serving this document")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER))
                .tags(List.of(new Tag().name("auth").description("Register and log in"),
                        new Tag().name("tasks").description("Submit, follow, cancel and retry your tasks"),
                        new Tag().name("task types").description("What can be submitted, and how"),
                        new Tag().name("admin").description("Everything, for the ADMIN role")))
                .components(components);
    }

    private static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", new JsonSchema().typesItem("string").format("uri-reference")
                .description("A URI naming the kind of problem; about:blank when the status says it all"));
        properties.put("title", new JsonSchema().typesItem("string").description("The status's reason phrase"));
        properties.put("status", new JsonSchema().typesItem("integer").minimum(java.math.BigDecimal.valueOf(400))
                .maximum(java.math.BigDecimal.valueOf(599)).description("The HTTP status"));
        properties.put("detail", new JsonSchema().typesItem("string").description("What went wrong, for a person"));
        properties.put("instance", new JsonSchema().typesItem("string").format("uri-reference")
                .description("The path of the request"));
        // "type" is left out when it is about:blank, as RFC 9457 allows
        return new JsonSchema().typesItem("object").description("RFC 9457 problem details").properties(properties)
                .required(List.of("title", "status", "detail"));
    }

    private static ApiResponse problemResponse(int status, Problem problem) {
        HttpStatus http = HttpStatus.valueOf(status);
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("title", http.getReasonPhrase());
        example.put("status", status);
        example.put("detail", problem.description().replaceAll("\\.$", "").replace("`", ""));
        example.put("instance", "/api/tasks");
        ApiResponse response = new ApiResponse().description(problem.description()).content(new Content()
                .addMediaType(PROBLEM_JSON, new MediaType().schema(new JsonSchema().$ref(PROBLEM_SCHEMA)).example(example)));
        if (status == 429 || status == 503) {
            response.addHeaderObject("Retry-After", new Header().description("Seconds to wait before trying again")
                    .required(true).schema(new JsonSchema().typesItem("integer").minimum(java.math.BigDecimal.ONE)));
        }
        if (status == 401) {
            response.addHeaderObject("WWW-Authenticate", new Header().description("Bearer, on a missing or bad token")
                    .schema(new JsonSchema().typesItem("string")));
        }
        return response;
    }

    /**
     * Each operation's problem responses: those its {@link ProblemResponses} list, 401 and 500
     * everywhere (a bearer token that is sent is checked even where none is needed). An operation
     * marked {@code @SecurityRequirements} (none) gets {@code security: []}, overriding the
     * document's bearer default.
     */
    @Bean
    OperationCustomizer problemResponses() {
        return (operation, handler) -> {
            Set<Integer> statuses = new TreeSet<>();
            for (ProblemResponses listed : java.util.stream.Stream.of(
                    AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), ProblemResponses.class),
                    AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), ProblemResponses.class))
                    .filter(java.util.Objects::nonNull).toList()) {
                for (int status : listed.value()) {
                    statuses.add(status);
                }
            }
            SecurityRequirements none = handler.getMethod().getAnnotation(SecurityRequirements.class);
            if (none != null && none.value().length == 0) {
                operation.setSecurity(new ArrayList<>());
            }
            statuses.add(401);
            statuses.add(500);
            ApiResponses responses = operation.getResponses();
            for (int status : statuses) {
                Problem problem = PROBLEMS.get(status);
                if (problem == null) {
                    throw new IllegalStateException("no problem response for " + status + " on " + handler);
                }
                responses.addApiResponse(Integer.toString(status),
                        new ApiResponse().$ref("#/components/responses/" + problem.name()));
            }
            return operation;
        };
    }

    /**
     * A {@code @Nullable} record component may be null: its schema allows null. One Jackson leaves
     * out when null ({@code @JsonInclude(NON_NULL)}) is marked optional for {@link #requiredProperties}.
     */
    @Bean
    PropertyCustomizer nullableProperties() {
        return (property, type) -> {
            Annotation[] annotations = type.getCtxAnnotations();
            if (annotations == null) {
                return property;
            }
            for (Annotation annotation : annotations) {
                if (annotation instanceof JsonInclude include && include.value() == JsonInclude.Include.NON_NULL) {
                    property.addExtension(OPTIONAL_MARK, true);
                } else if (annotation instanceof Nullable) {
                    if (property.get$ref() != null) {
                        return new JsonSchema().oneOf(List.of(property, new JsonSchema().typesItem("null")));
                    }
                    property.addType("null");
                    if (property.getEnum() != null) {
                        property.getEnum().add(null);
                    }
                }
            }
            return property;
        };
    }

    /** The record pass below, then the task types (whose task schemas copy the task's properties). */
    @Bean
    OpenApiCustomizer taskhiveDocument(TaskTypeDocumentation taskTypes) {
        return openApi -> {
            requiredProperties(openApi);
            taskTypes.document(openApi);
        };
    }

    /**
     * Every property of the records the API reads and writes is required (present, if perhaps null)
     * unless Jackson leaves it out: it writes every record component, and the API's requests need theirs.
     */
    @SuppressWarnings({"rawtypes", "unchecked"}) // swagger's models are raw generics
    private static void requiredProperties(OpenAPI openApi) {
        openApi.getComponents().getSchemas().forEach((name, schema) -> {
            if (schema.getProperties() == null || schema.getRequired() != null || name.equals("Problem")) {
                return;
            }
            List<String> required = new ArrayList<>();
            Map<String, Schema> properties = schema.getProperties();
            properties.forEach((property, value) -> {
                boolean optional = value.getExtensions() != null && value.getExtensions().remove(OPTIONAL_MARK) != null;
                if (value.getExtensions() != null && value.getExtensions().isEmpty()) {
                    value.setExtensions(null);
                }
                if (!optional) {
                    required.add(property);
                }
            });
            schema.setRequired(required.isEmpty() ? null : required);
        });
    }
}
