package dev.cutover.aptible;

/**
 * How {@link AptibleClient} sends the calls that carry secret values: configuration variables
 * ({@link AptibleApp#setConfig}) and private-registry credentials
 * ({@link AptibleApp#deployImage}). Choose with {@link AptibleClient.Builder#secretTransport}.
 */
public enum SecretTransport {
  /**
   * The default: the Aptible Deploy API ({@code configure} and {@code deploy} operations), with the
   * CLI's own token and the values in an HTTPS request body. No other local user can see them.
   */
  API,
  /**
   * The {@code aptible} CLI ({@code config:set K=V}, {@code deploy --private-registry-password P}).
   * CLI 0.26.6 takes these values only as arguments, so for as long as the CLI runs they are in its
   * argv, which every local user can read ({@code ps}, {@code /proc/PID/cmdline}). The SDK still
   * masks them in everything it writes. Use it only where the API cannot be reached (for example a
   * proxy that only lets the CLI out) and the machine has no other users.
   */
  CLI
}
