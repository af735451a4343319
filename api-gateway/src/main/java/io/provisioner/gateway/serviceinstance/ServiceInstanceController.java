package io.provisioner.gateway.serviceinstance;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.catalog.CatalogStore;
import io.provisioner.gateway.catalog.PlanViews;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;

/**
 * {@code /v2/service_instances} as Cloud Controller v2 serves it, except that a create answers 201 with
 * {@code in progress} (our users' choice; Cloud Controller answers 202).
 */
@RestController
class ServiceInstanceController {

    private static final String COLLECTION = "/v2/service_instances";

    private final ServiceInstances instances;
    private final ServiceInstanceStore store;
    private final CatalogStore catalog;
    private final PlanViews plans;
    private final JsonMapper json;
    private final Callers callers;
    private final Permissions permissions;
    private final InstanceParameters instanceParameters;
    private final InstanceWatch watch;

    ServiceInstanceController(ServiceInstances instances, ServiceInstanceStore store, CatalogStore catalog,
            PlanViews plans, JsonMapper json, Callers callers, Permissions permissions,
            InstanceParameters instanceParameters, InstanceWatch watch) {
        this.watch = watch;
        this.instanceParameters = instanceParameters;
        this.callers = callers;
        this.permissions = permissions;
        this.instances = instances;
        this.store = store;
        this.catalog = catalog;
        this.plans = plans;
        this.json = json;
    }

    @PostMapping(COLLECTION)
    ResponseEntity<Resource<ServiceInstanceView.Entity>> create(
            @RequestParam(name = "accepts_incomplete", required = false) String acceptsIncomplete,
            @RequestBody(required = false) byte[] body) {
        boolean async = flag(acceptsIncomplete, "accepts_incomplete");
        ServiceInstanceRecord created = instances.create(NewServiceInstance.parse(body, json), null, async,
                callers.current(), Origin.rest());
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create(COLLECTION + "/" + created.guid()))
                .body(ServiceInstanceView.of(created, json));
    }

    @GetMapping(COLLECTION)
    Page<Resource<ServiceInstanceView.Entity>> list(HttpServletRequest request) {
        ListQuery query = ListQuery.parse(request.getParameterMap(), ServiceInstanceStore.FILTERS,
                ServiceInstanceStore.ORDERS);
        return store.list(query, COLLECTION, permissions.spaces(callers.current(), "i.space_guid", "sp.organization_guid"),
                r -> ServiceInstanceView.of(r, json));
    }

    /**
     * With {@code wait=N} (1 to 60 s), the answer is held until the last operation leaves {@code in progress}
     * or N seconds pass, without holding a thread (see {@link InstanceWatch}).
     */
    @GetMapping(COLLECTION + "/{guid}")
    Object get(@PathVariable String guid, @RequestParam(name = "wait", required = false) String wait) {
        java.time.Duration waitFor = wait == null ? null : InstanceWatch.waitFor(wait);
        ServiceInstanceRecord instance = instances.get(guid, callers.current());
        if (waitFor == null || instance.operationState() != io.provisioner.schemas.OperationState.IN_PROGRESS) {
            return ServiceInstanceView.of(instance, json);
        }
        return watch.await(instance, waitFor);
    }

    /** The instance's public events as they happen (server-sent events), resumable with {@code Last-Event-ID}. */
    @GetMapping(value = COLLECTION + "/{guid}/events", produces = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE)
    org.springframework.web.servlet.mvc.method.annotation.SseEmitter events(@PathVariable String guid,
            @org.springframework.web.bind.annotation.RequestHeader(name = "Last-Event-ID", required = false)
            String lastEventId) {
        return watch.stream(guid, callers.current(), lastEventId);
    }

    @PutMapping(COLLECTION + "/{guid}")
    ResponseEntity<Resource<ServiceInstanceView.Entity>> update(@PathVariable String guid,
            @RequestParam(name = "accepts_incomplete", required = false) String acceptsIncomplete,
            @RequestBody(required = false) byte[] body) {
        boolean async = flag(acceptsIncomplete, "accepts_incomplete");
        InstanceChange change = InstanceChange.parse(body, json);
        ServiceInstances.Updated updated = instances.update(guid, change, async, callers.current(), Origin.rest());
        return ResponseEntity.status(updated.async() ? HttpStatus.ACCEPTED : HttpStatus.CREATED)
                .location(URI.create(COLLECTION + "/" + guid))
                .body(ServiceInstanceView.of(updated.instance(), json));
    }

    @DeleteMapping(COLLECTION + "/{guid}")
    ResponseEntity<Resource<ServiceInstanceView.Entity>> delete(@PathVariable String guid,
            @RequestParam(name = "accepts_incomplete", required = false) String acceptsIncomplete,
            @RequestParam(name = "async", required = false) String async,
            @RequestParam(name = "purge", required = false) String purge,
            @RequestParam(name = "recursive", required = false) String recursive) {
        boolean incomplete = flag(acceptsIncomplete, "accepts_incomplete");
        flag(async, "async");
        if (flag(purge, "purge")) {
            instances.purge(guid, callers.current(), Origin.rest());
            return ResponseEntity.noContent().build();
        }
        ServiceInstanceRecord deleting = instances.delete(guid, incomplete, flag(recursive, "recursive"),
                callers.current(), Origin.rest());
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(COLLECTION + "/" + guid))
                .body(ServiceInstanceView.of(deleting, json));
    }

    /**
     * Cloud Controller's top-level bindings list. Nothing here binds instances to apps, so it is empty
     * whatever the filter (cf-java-client's operations API reads it for every instance it shows).
     */
    @GetMapping("/v2/service_bindings")
    Page<Object> bindings(HttpServletRequest request) {
        callers.current();
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("app_guid", "service_instance_guid",
                "name"), List.of("id"));
        return Page.of(0, query, "/v2/service_bindings", List.of());
    }

    @GetMapping({COLLECTION + "/{guid}/service_bindings", COLLECTION + "/{guid}/shared_to",
            COLLECTION + "/{guid}/routes"})
    Page<Object> emptyRelations(@PathVariable String guid, HttpServletRequest request) {
        instances.get(guid, callers.current());
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name", "app_guid", "space_guid"),
                List.of("id"));
        return Page.of(0, query, request.getRequestURI(), List.of());
    }

    /** Not shared from another space: Cloud Controller answers 204 without a body. */
    @GetMapping(COLLECTION + "/{guid}/shared_from")
    ResponseEntity<Void> sharedFrom(@PathVariable String guid) {
        instances.get(guid, callers.current());
        return ResponseEntity.noContent().build();
    }

    /**
     * Fetched from the broker, never stored (see {@link InstanceParameters}). Who may read is who may read
     * the instance, as in Cloud Controller (its v2 checks read access; v3 lets every space role read).
     */
    @GetMapping(value = COLLECTION + "/{guid}/parameters", produces = "application/json")
    String parameters(@PathVariable String guid) {
        var caller = callers.current();
        return instanceParameters.fetch(instances.get(guid, caller), caller);
    }

    @GetMapping("/v2/spaces/{spaceGuid}/service_instances")
    Page<Resource<ServiceInstanceView.Entity>> inSpace(@PathVariable String spaceGuid, HttpServletRequest request,
            @RequestParam(name = "return_user_provided_service_instances", required = false) String userProvided,
            @RequestParam(name = "inline-relations-depth", required = false) String depth) {
        catalog.spaceTarget(spaceGuid).orElseThrow(() -> CfError.SPACE_NOT_FOUND.exception(
                "The app space could not be found: " + spaceGuid));
        permissions.requireSpaceReader(callers.current(), spaceGuid);
        flag(userProvided, "return_user_provided_service_instances");
        int inline = depth(depth);
        Map<String, String[]> params = new LinkedHashMap<>(request.getParameterMap());
        params.remove("return_user_provided_service_instances");
        params.remove("inline-relations-depth");
        ListQuery query = ListQuery.parse(params, List.of("name", "service_plan_guid", "gateway_name",
                "service_binding_guid", "service_key_guid"), ServiceInstanceStore.ORDERS);
        return store.listInSpace(spaceGuid, query, "/v2/spaces/" + spaceGuid + "/service_instances", r -> {
            Resource<ServiceInstanceView.Entity> resource = ServiceInstanceView.of(r, json);
            if (inline == 0) {
                return resource;
            }
            return new Resource<>(resource.metadata(),
                    resource.entity().withServicePlan(plans.find(r.planGuid()).orElse(null)));
        });
    }

    @GetMapping("/v2/service_plans/{planGuid}/service_instances")
    Page<Resource<ServiceInstanceView.Entity>> onPlan(@PathVariable String planGuid, HttpServletRequest request) {
        plans.find(planGuid).orElseThrow(() -> CfError.SERVICE_PLAN_NOT_FOUND.exception(
                "The service plan could not be found: " + planGuid));
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name", "space_guid", "organization_guid"),
                ServiceInstanceStore.ORDERS);
        return store.listOnPlan(planGuid, query, "/v2/service_plans/" + planGuid + "/service_instances",
                permissions.spaces(callers.current(), "i.space_guid", "sp.organization_guid"),
                r -> ServiceInstanceView.of(r, json));
    }

    /**
     * Cloud Controller lists every service of the space here, unpaginated (530 KB at 1,000 instances).
     * We list at most {@value #SUMMARY_SERVICES} of them, oldest first; {@code page} reaches the rest.
     */
    static final int SUMMARY_SERVICES = 500;

    @GetMapping("/v2/spaces/{spaceGuid}/summary")
    Map<String, Object> summary(@PathVariable String spaceGuid, @RequestParam(required = false) String page) {
        long offset = summaryOffset(page);
        var space = catalog.spaceTarget(spaceGuid).orElseThrow(() -> CfError.SPACE_NOT_FOUND.exception(
                "The app space could not be found: " + spaceGuid));
        permissions.requireSpaceReader(callers.current(), spaceGuid);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("guid", space.guid());
        summary.put("name", space.name());
        summary.put("apps", List.of());
        summary.put("services", store.summaries(spaceGuid, SUMMARY_SERVICES, offset));
        return summary;
    }

    private static long summaryOffset(String page) {
        if (page == null) {
            return 0;
        }
        try {
            long number = Long.parseLong(page);
            if (number >= 1 && (number - 1) * SUMMARY_SERVICES <= ListQuery.MAX_OFFSET) {
                return (number - 1) * SUMMARY_SERVICES;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw CfError.BAD_QUERY_PARAMETER.exception("The query parameter is invalid: page must be a positive integer "
                + "of at most " + (ListQuery.MAX_OFFSET / SUMMARY_SERVICES + 1));
    }

    private static int depth(String value) {
        if (value == null) {
            return 0;
        }
        try {
            int depth = Integer.parseInt(value);
            if (depth >= 0 && depth <= 2) {
                return depth;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw CfError.BAD_QUERY_PARAMETER.exception(
                "The query parameter is invalid: inline-relations-depth must be 0, 1 or 2");
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
