package dev.stt.spark;

import java.io.Serializable;

/** One input file: its Hadoop file system path (as listed, fully qualified) and its size in bytes. */
public record FileRef(String path, long size) implements Serializable {
}
