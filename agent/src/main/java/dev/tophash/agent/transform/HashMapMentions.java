package dev.tophash.agent.transform;

import java.util.HashSet;
import java.util.Set;

/**
 * Finds the methods of a class file whose code may refer to {@code java/util/HashMap}, from the
 * raw bytes: the constant pool tells which entries name HashMap (the class, members owned by it,
 * method handles to those, and dynamic constants and call sites whose bootstrap method or
 * arguments are such handles), and each method's code is searched for an instruction that uses
 * one of them ({@code new}, {@code checkcast}, {@code instanceof}, {@code anewarray}, the four
 * {@code invoke}s, {@code invokedynamic}, {@code ldc}).
 *
 * <p>The search looks at every byte of the code as if an instruction started there, so it never
 * misses one, and may take an operand byte for an opcode: the answer is a superset of the methods
 * that mention HashMap, which is all the rewrite needs (an extra method is rebuilt, unchanged).
 * It replaces a decoding of every instruction of the class by ASM, which for a large class with
 * one site was most of the rewrite's cost. A class file this reader does not understand (an
 * unknown constant tag, a truncated structure) gets {@code null}: the caller then asks ASM.
 */
final class HashMapMentions {
  private static final byte[] HASH_MAP = HashMapSiteRewriter.HASH_MAP.getBytes(
      java.nio.charset.StandardCharsets.UTF_8);
  private static final byte[] CODE = {'C', 'o', 'd', 'e'};
  private static final byte[] BOOTSTRAP_METHODS = "BootstrapMethods".getBytes(
      java.nio.charset.StandardCharsets.UTF_8);

  private final byte[] b;
  /** Offset of each constant pool entry's tag byte; 0 for the unusable slots. */
  private final int[] entry;
  /** Entries that name HashMap: the class, a member of it, a handle to one, a dynamic constant. */
  private final boolean[] mentions;

  private HashMapMentions(byte[] classFile, int count) {
    this.b = classFile;
    this.entry = new int[count];
    this.mentions = new boolean[count];
  }

  /**
   * The methods (name + descriptor) whose code may use a constant naming HashMap, or null if the
   * class file is not one this reader understands.
   */
  static Set<String> of(byte[] classFile) {
    try {
      return scan(classFile);
    } catch (IndexOutOfBoundsException e) {
      return null; // truncated or inconsistent: ASM tells what is wrong with it
    }
  }

  private static Set<String> scan(byte[] b) {
    if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
      return null;
    }
    int count = u2(b, 8);
    HashMapMentions m = new HashMapMentions(b, count);
    int pos = constantPool(b, m.entry);
    if (pos < 0) {
      return null;
    }
    // access, this and super classes, interfaces; then the fields
    int methods = m.skipMembers(pos + 8 + 2 * u2(b, pos + 6));
    int attributes = m.skipMembers(methods);
    m.markConstants(attributes);
    Set<String> found = new HashSet<>();
    int p = methods + 2;
    for (int n = u2(b, methods); n > 0; n--) {
      int name = u2(b, p + 2);
      int descriptor = u2(b, p + 4);
      p += 8;
      for (int a = u2(b, p - 2); a > 0; a--) {
        int length = u4(b, p + 2);
        if (m.utf8Is(u2(b, p), CODE) && m.codeMentions(p + 14, u4(b, p + 10))) {
          found.add(m.utf8(name) + m.utf8(descriptor));
        }
        p += 6 + length;
      }
    }
    return found;
  }

  /**
   * Reads the constant pool of class file {@code b}: the offset of each entry's tag byte goes into
   * {@code entry} (whose length is the pool's count; the unusable slot after a Long or Double
   * stays 0).
   *
   * @return the offset just after the pool, or -1 for a tag this reader does not know
   */
  static int constantPool(byte[] b, int[] entry) {
    int pos = 10;
    for (int i = 1; i < entry.length; i++) {
      entry[i] = pos;
      switch (b[pos]) {
        case 1 -> pos += 3 + u2(b, pos + 1); // Utf8
        case 3, 4 -> pos += 5; // Integer, Float
        case 5, 6 -> { // Long, Double: two slots
          pos += 9;
          i++;
        }
        case 7, 8, 16, 19, 20 -> pos += 3; // Class, String, MethodType, Module, Package
        case 9, 10, 11, 12, 17, 18 -> pos += 5; // refs, NameAndType, Dynamic, InvokeDynamic
        case 15 -> pos += 4; // MethodHandle
        default -> {
          return -1;
        }
      }
    }
    return pos;
  }

  /** Skips the fields or methods table at {@code pos}; returns the offset after it. */
  private int skipMembers(int pos) {
    int p = pos + 2;
    for (int n = u2(b, pos); n > 0; n--) {
      p = skipAttributes(p + 6);
    }
    return p;
  }

  private int skipAttributes(int pos) {
    int p = pos + 2;
    for (int n = u2(b, pos); n > 0; n--) {
      p += 6 + u4(b, p + 2);
    }
    return p;
  }

  /** Marks the entries naming HashMap; {@code attributes} is the class's attribute table. */
  private void markConstants(int attributes) {
    int count = entry.length;
    for (int i = 1; i < count; i++) {
      if (entry[i] != 0 && b[entry[i]] == 7 && utf8Is(u2(b, entry[i] + 1), HASH_MAP)) {
        mentions[i] = true;
      }
    }
    for (int i = 1; i < count; i++) {
      int e = entry[i];
      if (e != 0 && b[e] >= 9 && b[e] <= 11 && mentions[u2(b, e + 1)]) {
        mentions[i] = true; // a field or method of HashMap
      }
    }
    for (int i = 1; i < count; i++) {
      int e = entry[i];
      if (e != 0 && b[e] == 15 && mentions[u2(b, e + 2)]) {
        mentions[i] = true; // a handle to one of them
      }
    }
    int[] bootstraps = bootstrapMethods(attributes);
    if (bootstraps == null) {
      return;
    }
    // Dynamic constants may take other dynamic constants as arguments: repeat to a fixed point.
    for (boolean changed = true; changed; ) {
      changed = false;
      for (int i = 1; i < count; i++) {
        int e = entry[i];
        if (e != 0 && (b[e] == 17 || b[e] == 18) && !mentions[i]
            && bootstrapMentions(bootstraps, u2(b, e + 1))) {
          mentions[i] = true;
          changed = true;
        }
      }
    }
  }

  /** The offsets of the BootstrapMethods entries, or null if the class has none. */
  private int[] bootstrapMethods(int attributes) {
    int p = attributes + 2;
    for (int n = u2(b, attributes); n > 0; n--) {
      if (utf8Is(u2(b, p), BOOTSTRAP_METHODS)) {
        int[] offsets = new int[u2(b, p + 6)];
        int q = p + 8;
        for (int i = 0; i < offsets.length; i++) {
          offsets[i] = q;
          q += 4 + 2 * u2(b, q + 2);
        }
        return offsets;
      }
      p += 6 + u4(b, p + 2);
    }
    return null;
  }

  private boolean bootstrapMentions(int[] offsets, int index) {
    int p = offsets[index];
    if (mentions[u2(b, p)]) {
      return true;
    }
    for (int a = u2(b, p + 2), q = p + 4; a > 0; a--, q += 2) {
      if (mentions[u2(b, q)]) {
        return true;
      }
    }
    return false;
  }

  /** Whether the code at {@code start} may use an entry naming HashMap. */
  private boolean codeMentions(int start, int length) {
    int end = start + length;
    if (end > b.length) {
      throw new IndexOutOfBoundsException(end);
    }
    for (int p = start; p < end - 1; p++) {
      int op = b[p] & 0xFF;
      int index;
      if (op == 0x12) { // ldc
        index = b[p + 1] & 0xFF;
      } else if (op == 0x13 || op == 0x14 || op == 0xBB || op == 0xBD || op == 0xC0
          || op == 0xC1 || (op >= 0xB6 && op <= 0xBA)) {
        // ldc_w, ldc2_w, new, anewarray, checkcast, instanceof, invoke*, invokedynamic
        if (p + 2 >= end) {
          continue;
        }
        index = u2(b, p + 1);
      } else {
        continue;
      }
      if (index < mentions.length && mentions[index]) {
        return true;
      }
    }
    return false;
  }

  private boolean utf8Is(int index, byte[] expected) {
    int e = entry[index];
    if (e == 0 || b[e] != 1 || u2(b, e + 1) != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (b[e + 3 + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** A Utf8 constant, decoded from the class file's modified UTF-8. */
  private String utf8(int index) {
    int e = entry[index];
    int end = e + 3 + u2(b, e + 1);
    StringBuilder s = new StringBuilder(end - e - 3);
    for (int p = e + 3; p < end; ) {
      int c = b[p++] & 0xFF;
      if (c < 0x80) {
        s.append((char) c);
      } else if (c < 0xE0) {
        s.append((char) (((c & 0x1F) << 6) | (b[p++] & 0x3F)));
      } else {
        s.append((char) (((c & 0x0F) << 12) | ((b[p++] & 0x3F) << 6) | (b[p++] & 0x3F)));
      }
    }
    return s.toString();
  }

  private static int u2(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static int u4(byte[] b, int p) {
    return (u2(b, p) << 16) | u2(b, p + 2);
  }
}
