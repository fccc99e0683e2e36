/**
 * The audio front end: everything between bytes from a file or a socket and the 16 kHz mono float
 * samples the VAD and the engines take.
 *
 * <ul>
 *   <li>{@link dev.stt.audio.WavReader} / {@link dev.stt.audio.WavWriter}: RIFF/WAVE files (PCM, float,
 *       G.711, extensible, any channel count, downmixed to mono).</li>
 *   <li>{@link dev.stt.audio.Pcm16}: signed 16-bit little-endian PCM, the streaming wire format and raw
 *       files; {@link dev.stt.audio.G711}: µ-law and A-law telephony audio.</li>
 *   <li>{@link dev.stt.audio.Resampler}: band-limited conversion between any two rates, one-shot or in
 *       chunks with identical results.</li>
 *   <li>{@link dev.stt.audio.AudioClip}: decoded mono samples with their rate;
 *       {@link dev.stt.audio.AudioFormatException}: undecodable input, with a message saying why.</li>
 * </ul>
 */
package dev.stt.audio;
