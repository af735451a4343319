package io.provisioner.gateway.users;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.security.UserDirectory;

/** The v2 shape of a user, with its name from the directory when it is known there. */
@Component
class UserViews {

    private final ObjectProvider<UserDirectory> directory;

    UserViews(ObjectProvider<UserDirectory> directory) {
        this.directory = directory;
    }

    /** A row read with {@link #COLUMNS}: only metadata, the entity is filled in by {@link #named}. */
    static final String COLUMNS = "u.guid, u.created_at, u.updated_at";

    static Resource<Map<String, Object>> row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        String guid = rs.getString("guid");
        String url = "/v2/users/" + guid;
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("admin", false);
        entity.put("active", true);
        entity.put("default_space_guid", null);
        for (String relation : UserController.RELATIONS.keySet()) {
            entity.put(relation + "_url", url + "/" + relation);
        }
        return new Resource<>(Resource.metadata("/v2/users", rs), entity);
    }

    /** Adds {@code username} where the directory knows it, as Cloud Controller does with UAA's answer. */
    Page<Resource<Map<String, Object>>> named(Page<Resource<Map<String, Object>>> page) {
        UserDirectory users = directory.getIfAvailable();
        if (users == null || page.resources().isEmpty()) {
            return page;
        }
        Map<String, String> names = users.usernames(page.resources().stream().map(r -> r.metadata().guid()).toList());
        List<Resource<Map<String, Object>>> named = page.resources().stream().map(r -> named(r, names)).toList();
        return new Page<>(page.totalResults(), page.totalPages(), page.prevUrl(), page.nextUrl(), named);
    }

    Resource<Map<String, Object>> named(Resource<Map<String, Object>> user) {
        UserDirectory users = directory.getIfAvailable();
        return users == null ? user : named(user, users.usernames(List.of(user.metadata().guid())));
    }

    private static Resource<Map<String, Object>> named(Resource<Map<String, Object>> user, Map<String, String> names) {
        String name = names.get(user.metadata().guid());
        if (name == null) {
            return user;
        }
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("admin", user.entity().get("admin"));
        entity.put("active", user.entity().get("active"));
        entity.put("default_space_guid", null);
        entity.put("username", name);
        user.entity().forEach(entity::putIfAbsent);
        return new Resource<>(user.metadata(), entity);
    }
}
