package io.taskhive.gateway.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;

@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI taskhiveOpenApi() {
        return new OpenAPI()
                .info(new Info().title("taskhive API").version("v1")
                        .description("Submit tasks, follow them to their outcome, and (admins) watch the fleet. "
                                + "Log in with POST /api/auth/login and send the token as 'Authorization: Bearer ...'."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")));
    }
}
