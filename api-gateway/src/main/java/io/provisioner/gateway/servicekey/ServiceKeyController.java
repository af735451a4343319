package io.provisioner.gateway.servicekey;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.schemas.SecretSealer;

/**
 * {@code /v2/service_keys} as Cloud Controller v2 serves it. A key is bound asynchronously: a create answers
 * 202 with {@code last_operation} in progress when the caller said {@code accepts_incomplete=true}, else 201
 * (what the cf CLI's {@code create-service-key} expects) with the same body; the credentials show once the
 * bind succeeded. A delete answers 202 and the key is gone once the unbind succeeded.
 */
@RestController
class ServiceKeyController {

    private static final String COLLECTION = "/v2/service_keys";

    private final ServiceKeys keys;
    private final KeyParameters parameters;
    private final ServiceKeyStore store;
    private final Callers callers;
    private final Permissions permissions;
    private final SecretSealer sealer;
    private final JsonMapper json;

    ServiceKeyController(ServiceKeys keys, KeyParameters parameters, ServiceKeyStore store, Callers callers, Permissions permissions,
            SecretSealer sealer, JsonMapper json) {
        this.keys = keys;
        this.parameters = parameters;
        this.store = store;
        this.callers = callers;
        this.permissions = permissions;
        this.sealer = sealer;
        this.json = json;
    }

    @PostMapping(COLLECTION)
    ResponseEntity<Resource<ServiceKeyView.Entity>> create(
            @RequestParam(name = "accepts_incomplete", required = false) String acceptsIncomplete,
            @RequestBody(required = false) byte[] body) {
        boolean async = flag(acceptsIncomplete, "accepts_incomplete");
        Caller caller = callers.current();
        ServiceKeyRecord created = keys.create(NewServiceKey.parse(body, json), java.util.UUID.randomUUID().toString(),
                caller, null);
        return ResponseEntity.status(async ? HttpStatus.ACCEPTED : HttpStatus.CREATED)
                .location(URI.create(COLLECTION + "/" + created.guid()))
                .body(ServiceKeyView.of(created, true, sealer, json));
    }

    @GetMapping(COLLECTION)
    Page<Resource<ServiceKeyView.Entity>> list(HttpServletRequest request) {
        Caller caller = callers.current();
        ListQuery query = ListQuery.parse(request.getParameterMap(), ServiceKeyStore.FILTERS, ServiceKeyStore.ORDERS);
        return store.list(query, COLLECTION, null, permissions.spaces(caller, "i.space_guid", "sp.organization_guid"),
                view(caller));
    }

    @GetMapping(COLLECTION + "/{guid}")
    Resource<ServiceKeyView.Entity> get(@PathVariable String guid) {
        Caller caller = callers.current();
        return view(caller).apply(keys.get(guid, caller));
    }

    /** The binding's parameters, fetched from the broker and never stored (see {@link KeyParameters}). */
    @GetMapping(value = COLLECTION + "/{guid}/parameters", produces = "application/json")
    String parameters(@PathVariable String guid) {
        return parameters.fetch(guid, callers.current());
    }

    @DeleteMapping(COLLECTION + "/{guid}")
    ResponseEntity<Resource<ServiceKeyView.Entity>> delete(@PathVariable String guid,
            @RequestParam(name = "accepts_incomplete", required = false) String acceptsIncomplete,
            @RequestParam(name = "async", required = false) String async) {
        flag(acceptsIncomplete, "accepts_incomplete");
        flag(async, "async");
        Caller caller = callers.current();
        ServiceKeyRecord deleting = keys.delete(guid, caller, null);
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(COLLECTION + "/" + guid))
                .body(ServiceKeyView.of(deleting, true, sealer, json));
    }

    @GetMapping("/v2/service_instances/{guid}/service_keys")
    Page<Resource<ServiceKeyView.Entity>> ofInstance(@PathVariable String guid, HttpServletRequest request) {
        Caller caller = callers.current();
        keys.readableInstanceSpace(guid, caller);
        ListQuery query = ListQuery.parse(request.getParameterMap(), java.util.List.of("name"), ServiceKeyStore.ORDERS);
        return store.list(query, "/v2/service_instances/" + guid + "/service_keys", guid,
                permissions.spaces(caller, "i.space_guid", "sp.organization_guid"), view(caller));
    }

    /** The view for this caller: credentials for admins and the space's developers, redacted for the rest. */
    private Function<ServiceKeyRecord, Resource<ServiceKeyView.Entity>> view(Caller caller) {
        Map<String, Boolean> developerOf = new HashMap<>();
        return key -> ServiceKeyView.of(key,
                developerOf.computeIfAbsent(key.spaceGuid(), space -> permissions.spaceDeveloper(caller, space)),
                sealer, json);
    }

    /** A boolean query parameter: {@code true}, {@code false} or absent; anything else is refused. */
    private static boolean flag(String value, String name) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw CfError.INVALID_REQUEST.exception("The request is invalid: " + name + " must be 'true' or 'false'");
    }
}
