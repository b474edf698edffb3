package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The release history of one {@link FakeApp} as the Platform API shows it, from a snapshot of the
 * app's settings: releases, the current release's slug ({@code cedar}) or OCI image ({@code fir}),
 * and classic buildpack installations. Field sets follow the Platform API schema (heroku/platform-api
 * {@code schema.json} at 4f4f592, MIT): a {@code cedar} release has {@code slug} and
 * {@code oci_image: null}, a {@code fir} release {@code slug: null} and {@code oci_image}; an OCI
 * image's {@code process_types} map each type to {@code name}, {@code display_cmd} (the command as
 * written in the Procfile), {@code command} ({@code /cnb/process/<type>}), {@code working_dir} and
 * {@code default}.
 */
final class FakeReleases {
  private final FakeApp app;
  private final boolean fir;
  private final String stack;
  private final int count;
  private final Map<String, String> processTypes;
  private final List<String> buildpacks;

  FakeReleases(FakeApp app, String generation, String stack, int count, Map<String, String> processTypes,
      List<String> buildpacks) {
    this.app = app;
    this.fir = generation.equals("fir");
    this.stack = stack;
    // Without an explicit count: v1 (the empty initial release) and, once something is deployed, v2.
    this.count = count > 0 ? count : processTypes.isEmpty() ? 1 : 2;
    this.processTypes = processTypes;
    this.buildpacks = buildpacks;
  }

  /** Every release, oldest first; the last is current and carries the deployed artifact. */
  List<ObjectNode> list() {
    List<ObjectNode> out = new ArrayList<>(count);
    for (int v = 1; v <= count; v++) {
      boolean current = v == count;
      String artifact = current && !processTypes.isEmpty() ? artifactId()
          : v == 1 ? null : FakeApp.uuid("old-artifact:" + app.name() + ":" + v);
      out.add(release(v, current, artifact));
    }
    return out;
  }

  /** The current slug ({@code cedar} only). */
  Optional<ObjectNode> slug(String slugId) {
    if (fir || processTypes.isEmpty() || !slugId.equals(artifactId())) {
      return Optional.empty();
    }
    ObjectNode s = FakeApp.JSON.createObjectNode();
    s.put("id", slugId);
    s.putObject("blob").put("method", "GET").put("url", "https://s3.example.com/slugs/" + slugId
        + ".tar.gz?X-Amz-Signature=" + FakeApp.uuid("sig:" + slugId).replace("-", ""));
    s.put("buildpack_provided_description", buildpacks.isEmpty() ? "App" : buildpacks.get(0));
    s.put("checksum", "SHA256:" + "0".repeat(64));
    s.put("commit", "1a2b3c4");
    s.put("commit_description", "Deploy");
    ObjectNode pt = s.putObject("process_types");
    processTypes.forEach(pt::put);
    s.put("size", 1024);
    s.putObject("stack").put("id", FakeApp.uuid("stack:" + stack)).put("name", stack);
    s.put("created_at", FakeApp.CREATED);
    s.put("updated_at", FakeApp.CREATED);
    return Optional.of(s);
  }

  /** {@code GET /apps/{app}/oci-images/{id}}: a list of one image ({@code fir} only). */
  Optional<ArrayNode> ociImage(String imageId) {
    if (!fir || processTypes.isEmpty() || !imageId.equals(artifactId())) {
      return Optional.empty();
    }
    ArrayNode list = FakeApp.JSON.createArrayNode();
    ObjectNode i = list.addObject();
    i.put("id", imageId);
    i.put("base_image_name", "heroku/heroku:24-cnb");
    i.put("base_top_layer", "sha256:" + "1".repeat(64));
    i.put("commit", "1a2b3c4");
    i.put("commit_description", "Deploy");
    i.put("image_repo", "d.example.herokudev.com/" + app.id());
    i.put("digest", "sha256:" + "2".repeat(64));
    i.putObject("stack").put("id", FakeApp.uuid("stack:" + stack)).put("name", stack);
    ObjectNode pt = i.putObject("process_types");
    processTypes.forEach((type, command) -> pt.putObject(type).put("name", type).put("display_cmd", command)
        .put("command", "/cnb/process/" + type).put("working_dir", "/workspace").put("default", type.equals("web")));
    ArrayNode bps = i.putArray("buildpacks");
    buildpacks.forEach(b -> bps.addObject().put("id", b).put("version", "1.0.0")
        .put("homepage", "https://github.com/" + b.replace("/", "/buildpacks-")));
    i.put("architecture", "amd64");
    i.put("created_at", FakeApp.CREATED);
    i.put("updated_at", FakeApp.CREATED);
    return Optional.of(list);
  }

  /** {@code GET /apps/{app}/buildpack-installations} for classic buildpacks, in order. */
  static List<ObjectNode> buildpackInstallations(List<String> buildpacks) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < buildpacks.size(); i++) {
      String bp = buildpacks.get(i);
      ObjectNode b = FakeApp.JSON.createObjectNode();
      b.put("ordinal", i);
      boolean registry = !bp.contains("://");
      b.putObject("buildpack").put("url", registry ? "urn:buildpack:" + bp : bp).put("name", bp);
      out.add(b);
    }
    return out;
  }

  private ObjectNode release(int version, boolean current, String artifact) {
    ObjectNode r = FakeApp.JSON.createObjectNode();
    r.put("id", FakeApp.uuid("release:" + app.name() + ":" + version));
    r.put("version", version);
    r.put("status", "succeeded");
    r.put("current", current);
    ArrayNode artifacts = r.putArray("artifacts");
    if (artifact == null) {
      r.putNull("slug");
      r.putNull("oci_image");
    } else if (fir) {
      r.putNull("slug");
      r.putObject("oci_image").put("id", artifact);
      artifacts.addObject().put("type", "oci-image").put("id", artifact);
    } else {
      r.putObject("slug").put("id", artifact);
      r.putNull("oci_image");
      artifacts.addObject().put("type", "slug").put("id", artifact);
    }
    r.put("description", version == 1 ? "Initial release" : "Deploy " + Integer.toHexString(0x1a2b3c4 + version));
    r.set("app", app.appRef());
    r.putObject("user").put("id", FakeApp.uuid("owner")).put("email", "owner@example.com");
    r.putArray("addon_plan_names");
    r.putNull("output_stream_url");
    r.put("eligible_for_rollback", !current);
    r.put("created_at", FakeApp.CREATED);
    r.put("updated_at", FakeApp.CREATED);
    return r;
  }

  private String artifactId() {
    return FakeApp.uuid((fir ? "oci:" : "slug:") + app.name() + ":" + processTypes);
  }
}
