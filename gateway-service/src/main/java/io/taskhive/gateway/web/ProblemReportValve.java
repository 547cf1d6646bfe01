package io.taskhive.gateway.web;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tomcat's error report, for the requests it refuses itself before the application sees them (a
 * malformed request line or header, an encoded '/' or '%' that does not decode, an HTTP version it
 * does not speak): an RFC 9457 problem instead of Tomcat's HTML page. Installed as the host's error
 * report valve by {@link TomcatProblemReports}.
 */
public class ProblemReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        // As Tomcat's own valve: only an error whose body nobody has written, and only once.
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus status = MalformedRequests.status(code);
        ObjectNode problem = JSON.createObjectNode().put("type", "about:blank")
                .put("title", status.getReasonPhrase()).put("status", code)
                .put("detail", MalformedRequests.detail(status));
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away or the response was committed meanwhile: nothing left to tell
        }
    }
}
