package io.vigil.probes.postgres.internal;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message of the PostgreSQL backend protocol: its type byte and its body, with bounds-checked
 * readers for the parts {@link SimpleQueryClient} needs.
 */
record BackendMessage(char type, byte[] body) {

  int int32(int at) throws ProtocolException {
    if (body.length < at + 4) {
      throw new ProtocolException("message '" + type + "' of " + body.length + " bytes (expected: at least " + (at + 4) + ")");
    }
    return ((body[at] & 0xff) << 24) | ((body[at + 1] & 0xff) << 16) | ((body[at + 2] & 0xff) << 8) | (body[at + 3] & 0xff);
  }

  int int16(int at) throws ProtocolException {
    if (body.length < at + 2) {
      throw new ProtocolException("message '" + type + "' of " + body.length + " bytes (expected: at least " + (at + 2) + ")");
    }
    return ((body[at] & 0xff) << 8) | (body[at + 1] & 0xff);
  }

  /** The 4-byte salt of an AuthenticationMD5Password request. */
  byte[] salt() throws ProtocolException {
    int32(4);   // bounds check: code and salt
    return java.util.Arrays.copyOfRange(body, 4, 8);
  }

  String text(int from) {
    return from >= body.length ? "" : new String(body, from, body.length - from, StandardCharsets.UTF_8);
  }

  /** The index of the NUL that ends the string starting at {@code from}. */
  int end(int from) {
    int i = from;
    while (i < body.length && body[i] != 0) {
      i++;
    }
    return i;
  }

  /** RowDescription: a name, then 18 bytes (table oid, column, type oid, size, modifier, format). */
  List<String> columnNames() throws ProtocolException {
    int count = int16(0);
    List<String> names = new ArrayList<>(count);
    int at = 2;
    for (int c = 0; c < count; c++) {
      int end = end(at);
      if (end + 1 + 18 > body.length) {
        throw new ProtocolException("RowDescription truncated at column " + c + " of " + count);
      }
      names.add(new String(body, at, end - at, StandardCharsets.UTF_8));
      at = end + 1 + 18;
    }
    return names;
  }

  /** DataRow: a count, then each value as a length (-1 for NULL) and its text. */
  Map<String, String> row(List<String> columns) throws ProtocolException {
    int count = int16(0);
    if (count != columns.size()) {
      throw new ProtocolException("DataRow with " + count + " values (expected: " + columns.size() + ")");
    }
    Map<String, String> row = new LinkedHashMap<>();
    int at = 2;
    for (int c = 0; c < count; c++) {
      int length = int32(at);
      at += 4;
      if (length > body.length - at) {
        throw new ProtocolException("DataRow value length: " + length + " (expected: 0.." + (body.length - at) + ")");
      }
      row.put(columns.get(c), length < 0 ? null : new String(body, at, length, StandardCharsets.UTF_8));
      at += Math.max(0, length);
    }
    return row;
  }
}
