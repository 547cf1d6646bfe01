package io.taskhive.gateway.web;

import org.apache.catalina.Container;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.stereotype.Component;

/**
 * Makes {@link ProblemReportValve} the host's only error report valve. Spring Boot adds a plain
 * {@link ErrorReportValve} of its own (without stack traces, but HTML); it is taken out when the
 * application's context starts, after every customizer has run.
 */
@Component
class TomcatProblemReports implements TomcatContextCustomizer {

    @Override
    public void customize(org.apache.catalina.Context context) {
        Container host = context.getParent();
        if (host instanceof StandardHost standardHost) {
            standardHost.setErrorReportValveClass(ProblemReportValve.class.getName());
        }
        context.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && host != null) {
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                        host.getPipeline().removeValve(valve);
                    }
                }
            }
        });
    }
}
