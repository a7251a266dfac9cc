package io.vigil.controlplane.planner.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigil.controlplane.planner.policy.Hold;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per journal line, written and read with Jackson's streaming API (no reflection).
 * The first field {@code "t"} names the entry: {@code term}, {@code action}, {@code event},
 * {@code hold}, {@code hold_end}, {@code approval}. Absent fields are null.
 */
final class JournalCodec {

  /** What one journal line holds. */
  sealed interface Entry permits TermEntry, ActionEntry, EventEntry, HoldEntry, HoldEndEntry, ApprovalEntry {
  }

  record TermEntry(long term, String node, Instant at) implements Entry {
  }

  record ActionEntry(long seq, ActionRecord action) implements Entry {
  }

  record EventEntry(TimelineEvent event) implements Entry {
  }

  record HoldEntry(Hold hold) implements Entry {
  }

  record HoldEndEntry(String id, Instant at, String by) implements Entry {
  }

  record ApprovalEntry(Approval approval) implements Entry {
  }

  /** Lines that start with this are timeline events (the disk scan skips the others unparsed). */
  static final byte[] EVENT_PREFIX = "{\"t\":\"event\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private JournalCodec() {
  }

  static byte[] encode(Entry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (entry instanceof TermEntry t) {
        g.writeStringField("t", "term");
        g.writeNumberField("term", t.term());
        str(g, "node", t.node());
        time(g, "at", t.at());
      } else if (entry instanceof ActionEntry e) {
        ActionRecord a = e.action();
        g.writeStringField("t", "action");
        g.writeNumberField("seq", e.seq());
        str(g, "id", a.id());
        str(g, "key", a.idempotencyKey());
        str(g, "policy", a.policy());
        str(g, "action", a.action());
        str(g, "host", a.host());
        str(g, "check", a.check());
        str(g, "command", a.command());
        str(g, "status", a.status().name());
        g.writeNumberField("term", a.term());
        str(g, "node", a.node());
        time(g, "created", a.createdAt());
        time(g, "updated", a.updatedAt());
        str(g, "detail", a.detail());
      } else if (entry instanceof EventEntry e) {
        TimelineEvent v = e.event();
        g.writeStringField("t", "event");
        g.writeNumberField("seq", v.seq());
        time(g, "at", v.at());
        str(g, "kind", v.kind().name());
        str(g, "host", v.host());
        str(g, "check", v.check());
        str(g, "action_id", v.actionId());
        str(g, "who", v.who());
        str(g, "what", v.what());
        str(g, "why", v.why());
        if (!v.details().isEmpty()) {
          g.writeObjectFieldStart("details");
          for (Map.Entry<String, String> d : v.details().entrySet()) {
            g.writeStringField(d.getKey(), d.getValue());
          }
          g.writeEndObject();
        }
      } else if (entry instanceof HoldEntry e) {
        Hold h = e.hold();
        g.writeStringField("t", "hold");
        str(g, "id", h.id());
        str(g, "host", h.host());
        str(g, "role", h.role());
        str(g, "cluster", h.cluster());
        str(g, "action", h.action());
        time(g, "until", h.until());
        str(g, "reason", h.reason());
        str(g, "by", h.by());
      } else if (entry instanceof HoldEndEntry e) {
        g.writeStringField("t", "hold_end");
        str(g, "id", e.id());
        time(g, "at", e.at());
        str(g, "by", e.by());
      } else if (entry instanceof ApprovalEntry e) {
        Approval a = e.approval();
        g.writeStringField("t", "approval");
        str(g, "id", a.id());
        str(g, "policy", a.policy());
        str(g, "action", a.action());
        str(g, "host", a.host());
        str(g, "check", a.check());
        str(g, "command", a.command());
        time(g, "requested", a.requestedAt());
        time(g, "deadline", a.deadline());
        str(g, "status", a.status().name());
        str(g, "by", a.by());
        time(g, "decided", a.decidedAt());
        str(g, "comment", a.comment());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    out.write('\n');
    return out.toByteArray();
  }

  /**
   * Parses one line (without its newline).
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static Entry decode(byte[] buf, int off, int len) {
    Map<String, Object> f = new HashMap<>();
    try (JsonParser p = JSON.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      JsonToken tok;
      while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (v) {
          case VALUE_STRING -> f.put(name, p.getText());
          case VALUE_NUMBER_INT -> f.put(name, p.getLongValue());
          case VALUE_NULL -> f.remove(name);
          case START_OBJECT -> f.put(name, stringMap(p, name));
          default -> throw new IllegalArgumentException("field '" + name + "': unexpected " + v);
        }
      }
      if (tok != JsonToken.END_OBJECT) {
        throw new IllegalArgumentException("unterminated JSON object");
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("trailing data after the JSON object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(firstLine(e.getMessage()), e);
    }
    String type = (String) f.get("t");
    if (type == null) {
      throw new IllegalArgumentException("no entry type (field 't')");
    }
    try {
      return switch (type) {
        case "term" -> new TermEntry(num(f, "term"), s(f, "node"), t(f, "at"));
        case "action" -> new ActionEntry(num(f, "seq"), new ActionRecord(s(f, "id"), s(f, "key"), s(f, "policy"),
            s(f, "action"), s(f, "host"), s(f, "check"), s(f, "command"),
            ActionRecord.Status.valueOf(req(f, "status")), num(f, "term"), s(f, "node"), t(f, "created"),
            t(f, "updated"), s(f, "detail")));
        case "event" -> new EventEntry(new TimelineEvent(num(f, "seq"), t(f, "at"),
            TimelineEvent.Kind.valueOf(req(f, "kind")), s(f, "host"), s(f, "check"), s(f, "action_id"), s(f, "who"),
            s(f, "what"), s(f, "why"), details(f)));
        case "hold" -> new HoldEntry(new Hold(s(f, "id"), s(f, "host"), s(f, "role"), s(f, "cluster"),
            s(f, "action"), t(f, "until"), s(f, "reason"), s(f, "by")));
        case "hold_end" -> new HoldEndEntry(req(f, "id"), t(f, "at"), s(f, "by"));
        case "approval" -> new ApprovalEntry(new Approval(s(f, "id"), s(f, "policy"), s(f, "action"), s(f, "host"),
            s(f, "check"), s(f, "command"), t(f, "requested"), t(f, "deadline"),
            Approval.Status.valueOf(req(f, "status")), s(f, "by"), t(f, "decided"), s(f, "comment")));
        default -> throw new IllegalArgumentException("unknown entry type '" + type + "'");
      };
    } catch (NullPointerException | ClassCastException | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(type + " entry: " + e.getMessage(), e);
    }
  }

  /** A string map as one JSON object (the PostgreSQL store's {@code details} column). */
  static String mapJson(Map<String, String> map) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, String> d : map.entrySet()) {
        g.writeStringField(d.getKey(), d.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static Map<String, String> parseMapJson(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      return stringMap(p, "details");
    } catch (IOException e) {
      throw new IllegalArgumentException(firstLine(e.getMessage()), e);
    }
  }

  private static Map<String, String> stringMap(JsonParser p, String field) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new IllegalArgumentException("field '" + field + "." + k + "': expected a string");
      }
      m.put(k, p.getText());
    }
    return m;
  }

  private static void str(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void time(JsonGenerator g, String name, Instant value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value.toString());
    }
  }

  private static String s(Map<String, Object> f, String name) {
    return (String) f.get(name);
  }

  private static String req(Map<String, Object> f, String name) {
    String v = (String) f.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing field '" + name + "'");
    }
    return v;
  }

  private static long num(Map<String, Object> f, String name) {
    Object v = f.get(name);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("field '" + name + "': expected a whole number");
    }
    return l;
  }

  private static Instant t(Map<String, Object> f, String name) {
    String v = (String) f.get(name);
    return v == null ? null : Instant.parse(v);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> details(Map<String, Object> f) {
    Object d = f.get("details");
    return d == null ? Map.of() : (Map<String, String>) d;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed JSON";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
