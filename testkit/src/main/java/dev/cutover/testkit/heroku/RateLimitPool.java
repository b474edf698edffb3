package dev.cutover.testkit.heroku;

import java.time.Duration;

/**
 * Heroku's per-account API token pool: each Platform API request takes a token, the pool refills
 * at a steady rate (4,500 an hour: one every 800 ms) up to its size, and an empty pool answers 429.
 * Thread-safe.
 */
final class RateLimitPool {
  static final int SIZE = 4500;

  private double tokens = SIZE;
  private long refillNanos = Duration.ofMillis(800).toNanos();
  private long lastRefill = System.nanoTime();

  /** Takes a token; returns the tokens left, or -1 when the pool was empty. */
  synchronized int take() {
    refill();
    if (tokens < 1) {
      return -1;
    }
    tokens -= 1;
    return (int) tokens;
  }

  /** The tokens left, without taking one. */
  synchronized int remaining() {
    refill();
    return (int) tokens;
  }

  /** Whole seconds until the next token, at least 1 (the {@code Retry-After} of a 429). */
  synchronized long secondsUntilNextToken() {
    refill();
    double missing = 1 - tokens;
    long nanos = (long) Math.ceil(Math.max(0, missing) * refillNanos);
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  synchronized void set(int remaining) {
    refill();
    tokens = Math.max(0, Math.min(SIZE, remaining));
  }

  synchronized void refillEvery(Duration perToken) {
    refill();
    refillNanos = Math.max(1, perToken.toNanos());
  }

  private void refill() {
    long now = System.nanoTime();
    long elapsed = now - lastRefill;
    if (elapsed >= refillNanos) {
      tokens = Math.min(SIZE, tokens + (double) (elapsed / refillNanos));
      lastRefill += (elapsed / refillNanos) * refillNanos;
    }
  }
}
