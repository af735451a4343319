package io.provisioner.gateway.info;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.provisioner.gateway.api.CfError;

/** Cloud Controller's discovery documents: what a v2 client reads before anything else. */
@RestController
class InfoController {

    /** Feature flags a v2 client may look at; the ones about service instances are what matter here. */
    private static final Map<String, Boolean> FEATURE_FLAGS = new LinkedHashMap<>();

    static {
        FEATURE_FLAGS.put("user_org_creation", false);
        FEATURE_FLAGS.put("private_domain_creation", false);
        FEATURE_FLAGS.put("app_bits_upload", false);
        FEATURE_FLAGS.put("app_scaling", false);
        FEATURE_FLAGS.put("route_creation", false);
        FEATURE_FLAGS.put("service_instance_creation", true);
        FEATURE_FLAGS.put("diego_docker", false);
        FEATURE_FLAGS.put("set_roles_by_username", true);
        FEATURE_FLAGS.put("unset_roles_by_username", true);
        FEATURE_FLAGS.put("task_creation", false);
        FEATURE_FLAGS.put("env_var_visibility", false);
        FEATURE_FLAGS.put("space_scoped_private_broker_creation", false);
        FEATURE_FLAGS.put("space_developer_env_var_visibility", false);
        FEATURE_FLAGS.put("service_instance_sharing", false);
        FEATURE_FLAGS.put("hide_marketplace_from_unauthenticated_users", false);
        FEATURE_FLAGS.put("resource_matching", false);
    }

    /**
     * The v3 version advertised: the cf CLI v6 reads the isolation segments of {@code cf org} and
     * {@code cf space} from v3 at 3.11 and later, which the v3 reads here answer (there are none).
     */
    static final String V3_VERSION = "3.76.0";

    private final InfoSettings settings;

    InfoController(InfoSettings settings) {
        this.settings = settings;
    }

    private String base() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    }

    private String authorizationEndpoint() {
        return settings.authorizationEndpoint().isBlank() ? base() : settings.authorizationEndpoint();
    }

    private String tokenEndpoint() {
        return settings.tokenEndpoint().isBlank() ? authorizationEndpoint() : settings.tokenEndpoint();
    }

    @GetMapping("/")
    Map<String, Object> root() {
        String base = base();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", link(base));
        links.put("cloud_controller_v2", Map.of("href", base + "/v2", "meta", Map.of("version", settings.apiVersion())));
        links.put("cloud_controller_v3", Map.of("href", base + "/v3", "meta", Map.of("version", V3_VERSION)));
        links.put("network_policy_v0", null);
        links.put("network_policy_v1", null);
        links.put("login", link(authorizationEndpoint()));
        links.put("uaa", link(tokenEndpoint()));
        links.put("credhub", null);
        links.put("routing", null);
        links.put("logging", null);
        links.put("log_cache", null);
        links.put("log_stream", null);
        links.put("app_ssh", null);
        return Map.of("links", links);
    }

    @GetMapping("/v2/info")
    Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", settings.name());
        info.put("build", "provisioner");
        info.put("support", "");
        info.put("version", 0);
        info.put("description", "Asynchronous service provisioning over the Open Service Broker API");
        info.put("authorization_endpoint", authorizationEndpoint());
        info.put("token_endpoint", tokenEndpoint());
        info.put("min_cli_version", null);
        info.put("min_recommended_cli_version", null);
        info.put("api_version", settings.apiVersion());
        info.put("app_ssh_endpoint", null);
        info.put("app_ssh_host_key_fingerprint", null);
        info.put("app_ssh_oauth_client", null);
        info.put("doppler_logging_endpoint", null);
        info.put("routing_endpoint", null);
        info.put("osbapi_version", "2.17");
        return info;
    }

    @GetMapping("/v2/config/feature_flags")
    List<Map<String, Object>> featureFlags(HttpServletRequest request) {
        return FEATURE_FLAGS.keySet().stream().map(InfoController::flag).toList();
    }

    @GetMapping("/v2/config/feature_flags/{name}")
    Map<String, Object> featureFlag(@PathVariable String name) {
        if (!FEATURE_FLAGS.containsKey(name)) {
            throw CfError.FEATURE_FLAG_NOT_FOUND.exception("The feature flag could not be found: " + name);
        }
        return flag(name);
    }

    private static Map<String, Object> flag(String name) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", name);
        item.put("enabled", FEATURE_FLAGS.get(name));
        item.put("error_message", null);
        item.put("url", "/v2/config/feature_flags/" + name);
        return item;
    }

    private static Map<String, String> link(String href) {
        return Map.of("href", href);
    }
}
