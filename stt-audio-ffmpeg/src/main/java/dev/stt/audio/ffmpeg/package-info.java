/**
 * {@link dev.stt.audio.ffmpeg.FfmpegDecoder}: every audio format users send, decoded in-process by FFmpeg's
 * own libraries (bytedeco's LGPL build of FFmpeg 7.1, linux-x86_64 natives), registered as the
 * {@link dev.stt.audio.AudioDecoder} that {@link dev.stt.audio.AudioFiles} opens files and uploads through.
 *
 * <h2>What it reads</h2>
 * Any container and codec FFmpeg reads, among them MP3, M4A/MP4/MOV (AAC, ALAC), Ogg (Vorbis, Opus, Speex,
 * FLAC), WebM and Matroska (Opus, Vorbis, ...), FLAC, WAV of any codec (integer and float PCM, G.711 A-law and
 * µ-law, ADPCM, GSM), AMR-NB/WB, WMA and AC-3. In a file with video the best audio stream is decoded and the
 * video is not even demuxed. Channels are averaged to mono; samples are float in [-1, 1] at the stream's own
 * rate (the caller resamples, e.g. with {@link dev.stt.audio.Resampler}).
 *
 * <h2>Memory and time</h2>
 * Decoding is packet by packet: what is held is one packet, one frame and its conversion (under 16k samples
 * for every fixture), whatever the length; a 1-hour MP3 decodes at a flat ~92 MB RSS with -Xmx64m
 * (stt-bench's {@code DecodeSpeed}). Both files and bytes are read by Java through an AVIOContext, so FFmpeg
 * opens nothing itself (its protocol whitelist is empty): a playlist or concat script is refused, never
 * followed. Decoding stops after 32 errors in a
 * row. Limits on decoded duration and wall time belong to the caller: {@code declaredSeconds()} says, before
 * any decoding, how long the container claims to be.
 *
 * <h2>What a bad file gets</h2>
 * An {@link dev.stt.audio.AudioFormatException} naming the file and what was found, e.g.
 * <ul>
 *   <li>{@code cannot decode 'noise.mp3': invalid data: not an audio or video format FFmpeg reads}</li>
 *   <li>{@code no audio stream in 'x.mp4' (mov,mp4,m4a,3gp,3g2,mj2 with video mpeg4)}</li>
 *   <li>{@code cannot decode 'odd.wav': unsupported audio codec 'none' in wav}</li>
 *   <li>{@code cannot decode 'x.m4a': invalid data found when processing input at byte 44 (aac audio in
 *       mov,mp4,m4a,3gp,3g2,mj2)}</li>
 *   <li>{@code cannot decode 'x.mp3': it ends at 5.47 s of the 11.09 s its header declares (cut short or
 *       corrupt) (mp3 audio in mp3)}, after the samples that are there</li>
 *   <li>{@code cannot decode 'list.ffconcat': it names other files or URLs to read (a playlist or concat
 *       script), which are not opened}</li>
 * </ul>
 * A missing file is a {@link java.nio.file.NoSuchFileException}. FFmpeg's own log is silenced ({@code
 * -Dstt.ffmpeg.log=true} shows its warnings on stderr).
 *
 * <h2>Native libraries</h2>
 * JavaCPP unpacks them on the first open into {@code ~/.javacpp/cache} (set {@code
 * -Dorg.bytedeco.javacpp.cachedir} where the home directory is read-only); that first open takes about a
 * second. Only linux-x86_64 is bundled: see this module's pom to add a platform.
 */
package dev.stt.audio.ffmpeg;
