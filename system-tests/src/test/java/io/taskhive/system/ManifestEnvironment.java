package io.taskhive.system;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/**
 * The environment a Kubernetes Deployment of the project gives its container: the ConfigMap it
 * imports and the variables it sets, by the names the manifest uses. Values that name cluster
 * services or come from Secrets are replaced by what this machine has; a variable the caller does
 * not know how to fill is an error, so the tests cannot drift from the manifests unnoticed.
 */
final class ManifestEnvironment {

    private static final Path ROOT = Path.of("..");

    private ManifestEnvironment() {
    }

    /**
     * @param deployment the Deployment's file, relative to the repository root
     * @param local      this machine's values for names whose manifest value points elsewhere
     */
    static Map<String, String> of(String deployment, Map<String, String> local) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Object> container = firstContainer(load(ROOT.resolve(deployment)));
        for (Map<String, Object> source : list(container.get("envFrom"))) {
            Map<String, Object> configMapRef = map(source.get("configMapRef"));
            if (configMapRef != null) {
                Map<String, Object> data = map(configMap(String.valueOf(configMapRef.get("name"))).get("data"));
                data.forEach((name, value) -> environment.put(name, String.valueOf(value)));
            }
        }
        List<String> fromSecrets = new ArrayList<>();
        for (Map<String, Object> variable : list(container.get("env"))) {
            String name = String.valueOf(variable.get("name"));
            if (variable.containsKey("value")) {
                environment.put(name, String.valueOf(variable.get("value")));
            } else {
                fromSecrets.add(name);
            }
        }
        for (String name : fromSecrets) {
            if (!local.containsKey(name)) {
                throw new IllegalStateException(deployment + " sets " + name + " from a Secret; the test must say what "
                        + "to give it on this machine");
            }
        }
        for (String name : new ArrayList<>(environment.keySet())) {
            if (local.containsKey(name)) {
                environment.put(name, local.get(name));
            }
        }
        for (String name : fromSecrets) {
            environment.put(name, local.get(name));
        }
        return environment;
    }

    private static Map<String, Object> configMap(String name) throws IOException {
        for (Path file : List.of(ROOT.resolve("k8s/base/configmap.yaml"))) {
            Map<String, Object> document = load(file);
            if (name.equals(map(document.get("metadata")).get("name"))) {
                return document;
            }
        }
        throw new IllegalStateException("no ConfigMap " + name + " in k8s/base");
    }

    private static Map<String, Object> firstContainer(Map<String, Object> deployment) {
        Map<String, Object> podSpec = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        return list(podSpec.get("containers")).getFirst();
    }

    private static Map<String, Object> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }
}
