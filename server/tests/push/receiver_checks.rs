//! The loopback push service is only worth testing against if it is as strict as a real one.

use crate::receiver::{Mode, Receiver, Subscription};
use web_push::{ContentEncoding, SubscriptionInfo, VapidSignature, VapidSignatureBuilder, WebPushMessageBuilder};

fn signature(private: &str, sub: &Subscription, claims: &[(&str, serde_json::Value)]) -> VapidSignature {
    let info = SubscriptionInfo::new(sub.endpoint.as_str(), sub.p256dh.as_str(), sub.auth.as_str());
    let mut builder = VapidSignatureBuilder::from_base64_no_sub(private)
        .unwrap()
        .add_sub_info(&info);
    let has = |claim: &str| claims.iter().any(|(name, _)| *name == claim);
    for (name, value) in claims {
        builder.add_claim(name, value.clone());
    }
    if !has("sub") {
        builder.add_claim("sub", "mailto:push-test@example.invalid");
    }
    if !has("aud") {
        let origin = server::jobs::dispatcher::audience(&sub.endpoint).unwrap();
        builder.add_claim("aud", origin.as_str());
    }
    builder.build().unwrap()
}

/// Sends `payload` to the subscription, signed as given, with the body passed through `tamper`.
async fn send(sub: &Subscription, signature: VapidSignature, tamper: impl FnOnce(&mut Vec<u8>)) -> u16 {
    let info = SubscriptionInfo::new(sub.endpoint.as_str(), sub.p256dh.as_str(), sub.auth.as_str());
    let payload = br#"{"title":"t","url":"/home"}"#;
    let mut builder = WebPushMessageBuilder::new(&info);
    builder.set_payload(ContentEncoding::Aes128Gcm, payload);
    builder.set_vapid_signature(signature);
    let request: http_02::Request<Vec<u8>> = web_push::request_builder::build_request(builder.build().unwrap());
    let (parts, mut body) = request.into_parts();
    tamper(&mut body);
    let client = reqwest::Client::new();
    let mut outgoing = client.post(parts.uri.to_string()).body(body);
    for (name, value) in &parts.headers {
        outgoing = outgoing.header(name.as_str(), value.as_bytes());
    }
    outgoing.send().await.unwrap().status().as_u16()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn the_receiver_accepts_a_proper_message_and_refuses_forged_expired_far_off_or_tampered_ones() {
    let push = Receiver::start().await;
    let (private, public) = server::jobs::vapid::generate();
    let (other_private, _) = server::jobs::vapid::generate();
    let sub = push.subscribe(Mode::Accept);
    let fine = || signature(&private, &sub, &[]);

    assert_eq!(send(&sub, fine(), |_| {}).await, 201);
    assert_eq!(push.delivered_to(&sub)[0].plaintext, r#"{"title":"t","url":"/home"}"#);

    // Signed by one key, claiming another.
    let mut forged = signature(&other_private, &sub, &[]);
    forged.auth_k = fine().auth_k;
    assert_eq!(send(&sub, forged, |_| {}).await, 401);
    let expired = signature(&private, &sub, &[("exp", (now() - 60).into())]);
    assert_eq!(send(&sub, expired, |_| {}).await, 401);
    let far_off = signature(&private, &sub, &[("exp", (now() + 25 * 3600).into())]);
    assert_eq!(send(&sub, far_off, |_| {}).await, 401);
    let elsewhere = signature(&private, &sub, &[("aud", "https://push.example".into())]);
    assert_eq!(send(&sub, elsewhere, |_| {}).await, 401);
    let anonymous = signature(&private, &sub, &[("sub", "someone".into())]);
    assert_eq!(send(&sub, anonymous, |_| {}).await, 401);
    // The origin without its port (what web-push would say by itself) is another origin.
    let portless = signature(&private, &sub, &[("aud", "http://127.0.0.1".into())]);
    assert_eq!(send(&sub, portless, |_| {}).await, 401);
    assert_eq!(
        server::jobs::dispatcher::audience(&sub.endpoint).as_deref(),
        Some(push.origin().as_str())
    );

    // A flipped ciphertext bit does not decrypt.
    assert_eq!(
        send(&sub, fine(), |body| {
            let last = body.len() - 1;
            body[last] ^= 1;
        })
        .await,
        400
    );
    // A subscription made for one server key refuses another.
    let bound = push.subscribe_for(Some(&public), Mode::Accept);
    assert_eq!(send(&bound, signature(&other_private, &bound, &[]), |_| {}).await, 403);
    assert_eq!(send(&bound, signature(&private, &bound, &[]), |_| {}).await, 201);

    assert_eq!(push.rejections().len(), 8, "{:#?}", push.rejections());
    assert_eq!(push.delivered_count(), 2);
}
