package io.vigil.controlplane.cli;

import io.micronaut.json.tree.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns, for the CLI wrappers; long cells are cut with "...". */
final class Table {

  private static final int MAX_CELL = 60;

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  /** A row of the given fields of {@code node} (absent fields print as "-"). */
  Table row(JsonNode node, String... fields) {
    List<String> cells = new ArrayList<>();
    for (String field : fields) {
      cells.add(text(node, field));
    }
    rows.add(cells);
    return this;
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isString()) {
      return value.getStringValue();
    }
    if (value.isNumber()) {
      return value.getNumberValue().toString();
    }
    if (value.isBoolean()) {
      return String.valueOf(value.getBooleanValue());
    }
    List<String> parts = new ArrayList<>();
    if (value.isObject()) {
      value.entries().forEach(e -> parts.add(e.getKey() + "=" + text(value, e.getKey())));
    } else if (value.isArray()) {
      value.values().forEach(v -> parts.add(v.isString() ? v.getStringValue() : String.valueOf(v.getValue())));
    }
    return String.join(",", parts);
  }

  void print(PrintStream out) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], cell(row.get(i)).length());
      }
    }
    line(out, headers, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
  }

  private static void line(PrintStream out, List<String> cells, int[] widths) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cell(cells.get(i));
      s.append(i == cells.size() - 1 ? c : String.format("%-" + widths[i] + "s  ", c));
    }
    out.println(s.toString().stripTrailing());
  }

  private static String cell(String text) {
    String t = text == null || text.isEmpty() ? "-" : text.replaceAll("\\s+", " ");
    return t.length() > MAX_CELL ? t.substring(0, MAX_CELL - 3) + "..." : t;
  }
}
