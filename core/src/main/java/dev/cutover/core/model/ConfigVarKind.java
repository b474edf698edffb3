package dev.cutover.core.model;

/**
 * What a source config var is, as the source platform says ({@code SourceApp.configVarKind}): the
 * migration copies {@link #APP} and {@link #ADDON} vars, and skips the others.
 */
public enum ConfigVarKind {
  /** The app's own setting: copied. */
  APP,
  /** Set by the platform for each process (its app name, release, build): meaningless on the target, not secret. */
  PLATFORM_METADATA,
  /** A URL of the platform's managed database: replaced by the target database's URL. */
  DATABASE_URL,
  /** Provided by an add-on: copied, but it still points at the add-on. */
  ADDON
}
