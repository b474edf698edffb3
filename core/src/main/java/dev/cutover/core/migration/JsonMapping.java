package dev.cutover.core.migration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.cutover.core.model.Deploy;
import java.nio.file.Path;

/**
 * The one Jackson set-up of the engine's files: the journal (with {@link MigrationOptions} as it
 * is), the event log and the canonical plan. The model's records carry no Jackson annotations, so
 * the deploy kind's name and the never-journalled registry credentials are said here.
 */
final class JsonMapping {
  /** Pretty-printed, for the journal. */
  static final ObjectMapper PRETTY = configure(new ObjectMapper()).enable(SerializationFeature.INDENT_OUTPUT);
  /** One line, keys in declaration order, for the event log and the canonical plan. */
  static final ObjectMapper COMPACT = configure(new ObjectMapper());

  /** A JSON object as a map, for {@code convertValue}. */
  static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>> MAP =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private JsonMapping() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    // paths as their plain text: Jackson's default (a file: URI) ends a path with '/' once it is an
    // existing directory, and the canonical plan must not change because a directory was created
    SimpleModule paths = new SimpleModule("cutover-paths")
        .addSerializer(Path.class, new ToStringSerializer(Path.class))
        .addDeserializer(Path.class, new FromStringDeserializer<>(Path.class) {
          @Override
          protected Path _deserialize(String value, DeserializationContext ctxt) {
            return Path.of(value);
          }
        });
    return mapper.registerModule(new Jdk8Module()).registerModule(paths)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .addMixIn(Deploy.class, DeployKind.class)
        .addMixIn(Deploy.DockerImage.class, NoCredentials.class);
  }

  /** Names a deploy's kind in JSON ({@code "kind": "git"} or {@code "docker-image"}). */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({@JsonSubTypes.Type(value = Deploy.Git.class, name = "git"),
      @JsonSubTypes.Type(value = Deploy.DockerImage.class, name = "docker-image")})
  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  private interface DeployKind {}

  /** Registry credentials are never written: a resume passes the deploy again. */
  @JsonIgnoreProperties(value = "credentials", allowGetters = false)
  private interface NoCredentials {}
}
