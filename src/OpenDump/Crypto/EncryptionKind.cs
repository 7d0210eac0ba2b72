namespace OpenDump.Crypto;

/// <summary>How a frame body travels on the wire. The output spelling is <see cref="EncryptionKindNames.Name"/>.</summary>
public enum EncryptionKind
{
    None,
    /// <summary>InitConnect bodies under an RSA key: PKCS#1 v1.5, one modulus-size block per piece.</summary>
    Rsa,
    /// <summary>Futu's own ECB variant: zero padding plus a clear 16-byte tail holding len % 16.</summary>
    FtAesEcb,
    AesEcb,
    AesCbc,
}

public static class EncryptionKindNames
{
    public static string Name(this EncryptionKind kind) => kind switch
    {
        EncryptionKind.None => "none",
        EncryptionKind.Rsa => "rsa",
        EncryptionKind.FtAesEcb => "ftaes-ecb",
        EncryptionKind.AesEcb => "aes-ecb",
        EncryptionKind.AesCbc => "aes-cbc",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// InitConnect.C2S.packetEncAlgo (Common.PacketEncAlgo) to the algorithm later frames use.
    /// CBC needs the IV from the reply; without it OpenD and the SDKs fall back to FTAES-ECB.
    /// </summary>
    public static EncryptionKind FromPacketEncAlgo(int? packetEncAlgo, bool replyHasCbcIv) => packetEncAlgo switch
    {
        -1 => EncryptionKind.None,
        1 => EncryptionKind.AesEcb,
        2 when replyHasCbcIv => EncryptionKind.AesCbc,
        _ => EncryptionKind.FtAesEcb,
    };
}
