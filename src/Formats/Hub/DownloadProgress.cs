namespace EffNetGen.Formats.Hub;

/// <summary>How far a download has come, reported through <see cref="HubOptions.Progress"/>.</summary>
/// <param name="Received">Bytes of the file on disk so far, including any resumed from an interrupted run.</param>
/// <param name="Total">The file's size, when the server said it.</param>
/// <param name="File">What is downloaded: <c>{repo}/{file}</c> for the hub, the file name for torchvision.</param>
public sealed record DownloadProgress(long Received, long? Total, string File);
