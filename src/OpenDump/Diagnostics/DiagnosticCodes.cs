namespace OpenDump.Diagnostics;

/// <summary>The stable diagnostic codes. Outputs, filters and the README use these exact names.</summary>
public static class DiagnosticCodes
{
    // Capture and link layer
    public const string CaptureTruncated = "opendump.capture_truncated";
    public const string PacketMalformed = "opendump.packet_malformed";
    public const string LinkTypeUnsupported = "opendump.link_type_unsupported";

    // TCP reassembly
    public const string TcpGap = "opendump.tcp_gap";
    public const string TcpBufferLimit = "opendump.tcp_buffer_limit";

    // Framing
    public const string BadHeader = "opendump.bad_header";
    public const string Resync = "opendump.resync";
    public const string NotOpenD = "opendump.not_opend";
    public const string BodyTooLarge = "opendump.body_too_large";
    public const string TruncatedFrame = "opendump.truncated_frame";

    // Keys and decryption
    public const string KeyMalformed = "opendump.key_malformed";
    public const string NoKey = "opendump.no_key";
    public const string WrongKey = "opendump.wrong_key";
    public const string DecryptFailed = "opendump.decrypt_failed";
    public const string Sha1Mismatch = "opendump.sha1_mismatch";
    public const string KeysUnknown = "opendump.keys_unknown";
    public const string KeyFromLog = "opendump.key_from_log";

    // Body decoding
    public const string UnknownProtoId = "opendump.unknown_proto_id";
    public const string NoSchema = "opendump.no_schema";
    public const string DecodeFailed = "opendump.decode_failed";
    public const string MissingRequired = "opendump.missing_required";

    // WebSocket transport
    public const string BadHttp = "opendump.ws_bad_http";
    public const string UpgradeRefused = "opendump.ws_upgrade_refused";
    public const string BadWebSocketFrame = "opendump.ws_bad_frame";
    public const string Deflate = "opendump.ws_deflate";
    public const string BadSdkMessage = "opendump.ws_bad_message";
    public const string Tls = "opendump.tls";
    public const string WsError = "opendump.ws_error";
    public const string LoginFailed = "opendump.ws_login_failed";

    // Session
    public const string UnpairedResponse = "opendump.unpaired_response";
}
