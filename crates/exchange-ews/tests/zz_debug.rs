#[tokio::test]
async fn dbg_chain() {
    let server = wiremock::MockServer::start().await;
    let c = reqwest::Client::builder().build().unwrap();
    let e = c.post(format!("https://{}/x", server.address())).send().await.unwrap_err();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(x) = cur {
        eprintln!("{:?} || io={:?}", x, x.downcast_ref::<std::io::Error>().map(|i| i.kind()));
        cur = x.source();
    }
}
