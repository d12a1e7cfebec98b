//! Tests of the reading of social-network accounts.

use super::*;

fn ok(platform: Platform, handle: &str) -> NetworkAccount {
    NetworkAccount::parse(platform, handle, None)
        .unwrap_or_else(|e| panic!("{platform} {handle}: {e}"))
}

fn err(platform: Platform, handle: &str) -> NetworkError {
    NetworkAccount::parse(platform, handle, None).expect_err(handle)
}

#[test]
fn platforms_round_trip_and_parse_labels() {
    for p in Platform::ALL {
        assert_eq!(Platform::parse(p.as_str()), Ok(p));
        assert_eq!(Platform::parse(p.label()), Ok(p));
    }
    assert_eq!(Platform::parse("Twitter"), Ok(Platform::X));
    assert_eq!(Platform::parse("X (twitter)"), Ok(Platform::X));
    assert_eq!(Platform::parse("Tik Tok"), Ok(Platform::Tiktok));
    assert_eq!(Platform::parse("WHATSAPP"), Ok(Platform::Whatsapp));
    assert_eq!(Platform::parse("autre"), Ok(Platform::Other));
    assert_eq!(
        Platform::parse("Myspace"),
        Err(NetworkError::UnknownPlatform("Myspace".into()))
    );
    assert!(Platform::parse("").is_err());
}

#[test]
fn a_tiktok_address_is_not_an_instagram_account() {
    let e = NetworkAccount::parse(
        Platform::Instagram,
        "https://www.tiktok.com/@pdn_vichy",
        None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Cette adresse est celle d'un compte TikTok, pas d'un compte Instagram."
    );
    // Same through the url field.
    let e =
        NetworkAccount::parse(Platform::Instagram, "", Some("tiktok.com/@pdn_vichy")).unwrap_err();
    assert_eq!(
        e,
        NetworkError::WrongPlatform {
            expected: Platform::Instagram,
            found: Platform::Tiktok
        }
    );
}

#[test]
fn instagram() {
    for input in [
        "pdn.vichy",
        "@pdn.vichy",
        "PDN.Vichy",
        "https://www.instagram.com/pdn.vichy/",
        "http://instagram.com/pdn.vichy?igsh=abc123",
        "instagram.com/PDN.vichy",
        "www.instagram.com/pdn.vichy/reels/",
        "https://instagr.am/pdn.vichy",
        "https://www.instagram.com/stories/pdn.vichy/3312345678/",
    ] {
        let a = ok(Platform::Instagram, input);
        assert_eq!(a.handle(), "pdn.vichy", "{input}");
        assert_eq!(a.url(), Some("https://www.instagram.com/pdn.vichy/"));
        assert_eq!(a.display_handle(), "@pdn.vichy");
    }
    assert_eq!(ok(Platform::Instagram, "a").handle(), "a");
    assert_eq!(ok(Platform::Instagram, &"a".repeat(30)).handle().len(), 30);
    for bad in [
        ".pdn",
        "pdn.",
        "pdn..vichy",
        "pdn-vichy",
        "pdn vichy",
        "é",
        "@",
    ] {
        assert_eq!(
            err(Platform::Instagram, bad),
            NetworkError::InvalidHandle(Platform::Instagram),
            "{bad}"
        );
    }
    assert!(
        err(Platform::Instagram, &"a".repeat(31))
            .to_string()
            .contains("1 à 30")
    );
    assert_eq!(
        err(Platform::Instagram, "https://www.instagram.com/p/C1a2b3c4/"),
        NetworkError::NotAProfile(Platform::Instagram)
    );
    assert_eq!(
        err(Platform::Instagram, "https://www.instagram.com/"),
        NetworkError::NotAProfile(Platform::Instagram)
    );
}

#[test]
fn snapchat() {
    for input in [
        "pdn-vichy",
        "@PDN-Vichy",
        "https://www.snapchat.com/add/pdn-vichy",
        "snapchat.com/add/pdn-vichy?share_id=xyz",
        "https://www.snapchat.com/@pdn-vichy",
        "https://story.snapchat.com/@pdn-vichy",
    ] {
        let a = ok(Platform::Snapchat, input);
        assert_eq!(a.handle(), "pdn-vichy", "{input}");
        assert_eq!(a.url(), Some("https://www.snapchat.com/add/pdn-vichy"));
    }
    for bad in ["ab", "1pdn", "_pdn", "pdn vichy", "abcdefghijklmnop"] {
        assert_eq!(
            err(Platform::Snapchat, bad),
            NetworkError::InvalidHandle(Platform::Snapchat),
            "{bad}"
        );
    }
    assert_eq!(
        err(Platform::Snapchat, "1pdn").to_string(),
        "Un identifiant Snapchat compte de 3 à 15 caractères : lettres, chiffres, « . », \
         « _ » ou « - », et commence par une lettre."
    );
    assert_eq!(
        err(Platform::Snapchat, "https://www.snapchat.com/t/AbCdEf"),
        NetworkError::NotAProfile(Platform::Snapchat)
    );
}

#[test]
fn tiktok() {
    for input in [
        "pdn_vichy",
        "@PDN_Vichy",
        "https://www.tiktok.com/@pdn_vichy",
        "https://www.tiktok.com/@pdn_vichy/video/7312345678901234567",
        "tiktok.com/%40pdn_vichy",
        "https://m.tiktok.com/@pdn_vichy?lang=fr",
    ] {
        let a = ok(Platform::Tiktok, input);
        assert_eq!(a.handle(), "pdn_vichy", "{input}");
        assert_eq!(a.url(), Some("https://www.tiktok.com/@pdn_vichy"));
    }
    for bad in ["a", "pdn.", "pdn-vichy", &"a".repeat(25)] {
        assert_eq!(
            err(Platform::Tiktok, bad),
            NetworkError::InvalidHandle(Platform::Tiktok),
            "{bad}"
        );
    }
    assert_eq!(
        err(Platform::Tiktok, "https://vm.tiktok.com/ZMabcdef/"),
        NetworkError::NotAProfile(Platform::Tiktok)
    );
}

#[test]
fn discord_usernames_and_invitations() {
    let a = ok(Platform::Discord, "@PDN.Vichy_03");
    assert_eq!(a.handle(), "pdn.vichy_03");
    assert_eq!(a.url(), None);
    assert_eq!(a.display_handle(), "pdn.vichy_03");

    for input in [
        "https://discord.gg/AbC-123",
        "discord.gg/AbC-123",
        "https://discord.com/invite/AbC-123",
        "https://discordapp.com/invite/AbC-123",
    ] {
        let a = ok(Platform::Discord, input);
        assert_eq!(a.handle(), "AbC-123", "{input}");
        assert_eq!(a.url(), Some("https://discord.gg/AbC-123"));
        assert_eq!(a.display_handle(), "discord.gg/AbC-123");
    }
    for bad in ["a", "pdn..vichy", "pdn-vichy", "pdn vichy", &"a".repeat(33)] {
        assert_eq!(
            err(Platform::Discord, bad),
            NetworkError::InvalidHandle(Platform::Discord),
            "{bad}"
        );
    }
    assert_eq!(
        err(Platform::Discord, "https://discord.com/channels/123/456"),
        NetworkError::NotAProfile(Platform::Discord)
    );
}

#[test]
fn facebook_usernames_and_numeric_ids() {
    for input in [
        "pdn.vichy",
        "https://www.facebook.com/PDN.Vichy/",
        "https://m.facebook.com/pdn.vichy?ref=bookmarks",
        "https://fr-fr.facebook.com/pdn.vichy",
        "fb.com/pdn.vichy",
    ] {
        let a = ok(Platform::Facebook, input);
        assert_eq!(a.handle(), "pdn.vichy", "{input}");
        assert_eq!(a.url(), Some("https://www.facebook.com/pdn.vichy"));
    }
    for input in [
        "100012345678901",
        "https://www.facebook.com/profile.php?id=100012345678901",
        "https://www.facebook.com/profile.php?id=100012345678901&sk=about",
        "https://www.facebook.com/people/Pdn-Vichy/100012345678901/",
    ] {
        let a = ok(Platform::Facebook, input);
        assert_eq!(a.handle(), "100012345678901", "{input}");
        assert_eq!(
            a.url(),
            Some("https://www.facebook.com/profile.php?id=100012345678901")
        );
    }
    for bad in ["pdn", "pdn_vichy", "pdn-vichy", &"a".repeat(51)] {
        assert_eq!(
            err(Platform::Facebook, bad),
            NetworkError::InvalidHandle(Platform::Facebook),
            "{bad}"
        );
    }
    for not_profile in [
        "https://www.facebook.com/groups/123456",
        "https://www.facebook.com/profile.php",
        "https://www.facebook.com/watch/?v=1",
    ] {
        assert_eq!(
            err(Platform::Facebook, not_profile),
            NetworkError::NotAProfile(Platform::Facebook),
            "{not_profile}"
        );
    }
}

#[test]
fn x_accepts_twitter_addresses_and_keeps_case() {
    for input in [
        "PdnVichy",
        "@PdnVichy",
        "https://x.com/PdnVichy",
        "https://twitter.com/PdnVichy/status/1234",
        "mobile.twitter.com/PdnVichy",
        "https://www.x.com/@PdnVichy",
    ] {
        let a = ok(Platform::X, input);
        assert_eq!(a.handle(), "PdnVichy", "{input}");
        assert_eq!(a.url(), Some("https://x.com/PdnVichy"));
    }
    assert_eq!(ok(Platform::X, "a").handle(), "a");
    for bad in ["pdn.vichy", "pdn-vichy", "abcdefghijklmnop"] {
        assert_eq!(
            err(Platform::X, bad),
            NetworkError::InvalidHandle(Platform::X),
            "{bad}"
        );
    }
    assert_eq!(
        err(Platform::X, "https://x.com/home"),
        NetworkError::NotAProfile(Platform::X)
    );
    assert_eq!(
        err(Platform::X, "https://xx.com/PdnVichy"),
        NetworkError::ForeignAddress(Platform::X)
    );
}

#[test]
fn youtube_handles() {
    for input in [
        "Pdn-Vichy.03",
        "@Pdn-Vichy.03",
        "https://www.youtube.com/@Pdn-Vichy.03",
        "https://youtube.com/@Pdn-Vichy.03/videos",
        "https://m.youtube.com/@Pdn-Vichy.03?si=x",
    ] {
        let a = ok(Platform::Youtube, input);
        assert_eq!(a.handle(), "Pdn-Vichy.03", "{input}");
        assert_eq!(a.url(), Some("https://www.youtube.com/@Pdn-Vichy.03"));
        assert_eq!(a.display_handle(), "@Pdn-Vichy.03");
    }
    assert_eq!(
        err(Platform::Youtube, "ab"),
        NetworkError::InvalidHandle(Platform::Youtube)
    );
    for not_profile in [
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
    ] {
        assert_eq!(
            err(Platform::Youtube, not_profile),
            NetworkError::NotAProfile(Platform::Youtube),
            "{not_profile}"
        );
    }
}

#[test]
fn twitch() {
    for input in [
        "Pdn_Vichy",
        "@pdn_vichy",
        "https://www.twitch.tv/pdn_vichy",
        "twitch.tv/PDN_VICHY/about",
    ] {
        let a = ok(Platform::Twitch, input);
        assert_eq!(a.handle(), "pdn_vichy", "{input}");
        assert_eq!(a.url(), Some("https://www.twitch.tv/pdn_vichy"));
    }
    for bad in ["pdn", "pdn.vichy", &"a".repeat(26)] {
        assert_eq!(
            err(Platform::Twitch, bad),
            NetworkError::InvalidHandle(Platform::Twitch),
            "{bad}"
        );
    }
    assert_eq!(
        err(Platform::Twitch, "https://www.twitch.tv/directory"),
        NetworkError::NotAProfile(Platform::Twitch)
    );
}

#[test]
fn whatsapp_is_a_phone_number() {
    for input in [
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "33612345678",
        "https://wa.me/33612345678",
        "wa.me/33612345678?text=Bonjour",
        "https://api.whatsapp.com/send?phone=33612345678",
        "https://api.whatsapp.com/send/?phone=33612345678&text&type=phone_number",
    ] {
        let a = ok(Platform::Whatsapp, input);
        assert_eq!(a.handle(), "33612345678", "{input}");
        assert_eq!(a.url(), Some("https://wa.me/33612345678"));
        assert_eq!(a.display_handle(), "06 12 34 56 78");
    }
    let reunion = ok(Platform::Whatsapp, "0692 12 34 56");
    assert_eq!(reunion.url(), Some("https://wa.me/262692123456"));
    assert_eq!(reunion.display_handle(), "06 92 12 34 56");
    for bad in ["0612", "pdn", "06 12 34 56 78 9"] {
        assert_eq!(
            err(Platform::Whatsapp, bad),
            NetworkError::InvalidHandle(Platform::Whatsapp),
            "{bad}"
        );
    }
    assert_eq!(
        err(Platform::Whatsapp, "https://chat.whatsapp.com/AbCdEf123"),
        NetworkError::NotAProfile(Platform::Whatsapp)
    );
}

#[test]
fn messenger() {
    for input in [
        "pdn.vichy",
        "https://m.me/pdn.vichy",
        "https://www.messenger.com/t/pdn.vichy",
    ] {
        let a = ok(Platform::Messenger, input);
        assert_eq!(a.handle(), "pdn.vichy", "{input}");
        assert_eq!(a.url(), Some("https://m.me/pdn.vichy"));
    }
    assert_eq!(
        err(Platform::Messenger, "https://www.facebook.com/pdn.vichy"),
        NetworkError::WrongPlatform {
            expected: Platform::Messenger,
            found: Platform::Facebook
        }
    );
    assert_eq!(
        err(Platform::Messenger, "pdn"),
        NetworkError::InvalidHandle(Platform::Messenger)
    );
}

#[test]
fn other_networks_need_an_https_address() {
    let a = NetworkAccount::parse(
        Platform::Other,
        "Mon Linktree",
        Some("https://linktr.ee/pdn_vichy"),
    )
    .unwrap();
    assert_eq!(a.handle(), "Mon Linktree");
    assert_eq!(a.url(), Some("https://linktr.ee/pdn_vichy"));

    let a = NetworkAccount::parse(Platform::Other, "", Some("WWW.Linktr.ee/pdn_vichy/")).unwrap();
    assert_eq!(a.handle(), "www.linktr.ee/pdn_vichy");
    assert_eq!(a.url(), Some("https://www.linktr.ee/pdn_vichy/"));

    let a = NetworkAccount::parse(Platform::Other, "https://mastodon.social/@pdn", None).unwrap();
    assert_eq!(a.handle(), "mastodon.social/@pdn");

    assert_eq!(
        NetworkAccount::parse(Platform::Other, "Mon compte", None),
        Err(NetworkError::UrlRequired)
    );
    for bad in [
        "http://linktr.ee/pdn",
        "ftp://linktr.ee/pdn",
        "https://linktr ee/pdn",
        "https://localhost/x",
    ] {
        assert_eq!(
            NetworkAccount::parse(Platform::Other, "Compte", Some(bad)),
            Err(NetworkError::InvalidUrl),
            "{bad}"
        );
    }
    assert_eq!(
        NetworkAccount::parse(
            Platform::Other,
            &"a".repeat(81),
            Some("https://linktr.ee/x")
        ),
        Err(NetworkError::InvalidHandle(Platform::Other))
    );
    assert_eq!(
        NetworkAccount::parse(Platform::Other, "", Some("https://www.instagram.com/pdn/"))
            .unwrap_err()
            .to_string(),
        "Cette adresse est celle d'un compte Instagram : choisissez ce réseau plutôt que « Autre »."
    );
}

#[test]
fn handle_and_url_together_must_agree() {
    let a = NetworkAccount::parse(
        Platform::Instagram,
        "@PDN.vichy",
        Some("https://www.instagram.com/pdn.vichy/"),
    )
    .unwrap();
    assert_eq!(a.handle(), "pdn.vichy");
    assert_eq!(
        NetworkAccount::parse(
            Platform::Instagram,
            "pdn.moulins",
            Some("https://www.instagram.com/pdn.vichy/"),
        ),
        Err(NetworkError::Mismatch(Platform::Instagram))
    );
    assert_eq!(
        NetworkAccount::parse(Platform::Tiktok, "", None),
        Err(NetworkError::Empty(Platform::Tiktok))
    );
    assert_eq!(
        NetworkAccount::parse(Platform::Tiktok, "  ", Some(" "))
            .unwrap_err()
            .to_string(),
        "Indiquez l'identifiant ou l'adresse du compte TikTok."
    );
}

#[test]
fn from_url_guesses_the_platform() {
    for (url, platform, handle) in [
        (
            "https://www.instagram.com/pdn.vichy/",
            Platform::Instagram,
            "pdn.vichy",
        ),
        ("tiktok.com/@pdn_vichy", Platform::Tiktok, "pdn_vichy"),
        ("https://twitter.com/PdnVichy", Platform::X, "PdnVichy"),
        ("https://discord.gg/AbC123", Platform::Discord, "AbC123"),
        (
            "https://wa.me/33612345678",
            Platform::Whatsapp,
            "33612345678",
        ),
        ("https://m.me/pdn.vichy", Platform::Messenger, "pdn.vichy"),
        (
            "https://www.snapchat.com/add/pdn-vichy",
            Platform::Snapchat,
            "pdn-vichy",
        ),
        (
            "https://linktr.ee/pdn_vichy",
            Platform::Other,
            "linktr.ee/pdn_vichy",
        ),
    ] {
        let a = NetworkAccount::from_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!((a.platform(), a.handle()), (platform, handle), "{url}");
    }
    assert_eq!(
        NetworkAccount::from_url("@pdn"),
        Err(NetworkError::InvalidUrl)
    );
    assert_eq!(NetworkAccount::from_url(""), Err(NetworkError::InvalidUrl));
    assert_eq!(
        NetworkAccount::from_url("https://www.instagram.com/p/abc/"),
        Err(NetworkError::NotAProfile(Platform::Instagram))
    );
}

#[test]
fn hosts_match_whole_labels_only() {
    assert_eq!(
        platform_of_host("www.instagram.com"),
        Some(Platform::Instagram)
    );
    assert_eq!(platform_of_host("m.me"), Some(Platform::Messenger));
    assert_eq!(platform_of_host("box.com"), None);
    assert_eq!(platform_of_host("notinstagram.com"), None);
    assert_eq!(platform_of_host("instagram.com.evil.fr"), None);
}

#[test]
fn crosses_json_and_validates_on_the_way_in() {
    for a in [
        ok(Platform::Instagram, "pdn.vichy"),
        ok(Platform::Discord, "pdn_vichy"),
        ok(Platform::Discord, "https://discord.gg/AbC-123"),
        ok(Platform::Whatsapp, "06 12 34 56 78"),
        ok(Platform::Facebook, "100012345678901"),
        NetworkAccount::parse(Platform::Other, "Mon site", Some("https://pdn03.fr")).unwrap(),
    ] {
        let json = serde_json::to_string(&a).unwrap();
        let back: NetworkAccount = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a, "{json}");
    }
    let json = serde_json::to_value(ok(Platform::Tiktok, "@pdn_vichy")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "platform": "tiktok",
            "handle": "pdn_vichy",
            "url": "https://www.tiktok.com/@pdn_vichy"
        })
    );
    let bad = r#"{"platform":"instagram","handle":"","url":"https://www.tiktok.com/@x1"}"#;
    assert!(serde_json::from_str::<NetworkAccount>(bad).is_err());
}
