package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Heroku's {@code Range} / {@code 206} / {@code Next-Range} list pagination. */
final class Ranges {
  static final int MAX_PAGE = 1000;
  private static final Pattern RANGE = Pattern.compile("^\\s*(\\w+)\\s*(\\]?)([^.;]*)\\.\\.([^;]*)(?:;(.*))?$");
  private static final Pattern MAX = Pattern.compile("max=(\\d+)");
  private static final Pattern ORDER = Pattern.compile("order=(asc|desc)");

  private Ranges() {}

  /** One page of a list: its items and, when more remain, the Next-Range to send. */
  record Page(List<ObjectNode> items, String nextRange) {}

  static Page page(List<ObjectNode> all, String rangeHeader, String defaultField, int defaultMax) {
    String field = defaultField;
    String start = "";
    boolean exclusive = false;
    int max = defaultMax;
    boolean desc = false;
    if (rangeHeader != null && !rangeHeader.isBlank()) {
      Matcher m = RANGE.matcher(rangeHeader);
      if (m.matches()) {
        field = m.group(1);
        exclusive = !m.group(2).isEmpty();
        start = m.group(3).trim();
        String options = m.group(5) == null ? "" : m.group(5);
        Matcher mm = MAX.matcher(options);
        if (mm.find()) {
          max = Math.min(MAX_PAGE, Math.max(1, Integer.parseInt(mm.group(1))));
        }
        Matcher om = ORDER.matcher(options);
        desc = om.find() && om.group(1).equals("desc");
      }
    }
    String f = field;
    Comparator<ObjectNode> order = Comparator.comparing(n -> key(n.path(f)));
    if (desc) {
      order = order.reversed();
    }
    List<ObjectNode> sorted = new ArrayList<>(all);
    sorted.sort(order);
    List<ObjectNode> from = new ArrayList<>();
    for (ObjectNode n : sorted) {
      if (start.isEmpty()) {
        from.add(n);
        continue;
      }
      int c = key(n.path(f)).compareTo(key(textNode(start)));
      int directed = desc ? -c : c;
      if (directed > 0 || (!exclusive && directed == 0)) {
        from.add(n);
      }
    }
    if (from.size() <= max) {
      return new Page(from, null);
    }
    List<ObjectNode> page = from.subList(0, max);
    String last = page.get(page.size() - 1).path(f).asText();
    return new Page(List.copyOf(page), f + " ]" + last + "..; max=" + max + (desc ? ", order=desc" : "") + ";");
  }

  /** Numbers sort as numbers (zero-padded), everything else as text. */
  private static String key(JsonNode v) {
    if (v.isNumber() || v.asText().matches("\\d{1,18}")) {
      return String.format("%020d", v.asLong());
    }
    return v.asText();
  }

  private static JsonNode textNode(String s) {
    return FakeApp.JSON.getNodeFactory().textNode(s);
  }
}
