"""The marketplace pages."""
from govern.companies import service as companies
from govern.extensions import db
from tests.functional.test_pages import login
from tests.funding import buy_rsc


def test_a_member_lists_then_another_buys_through_the_pages(app, member, make_member, now):
    companies.register_company(db.session, member, "Bread & Co", "bakery", now)
    buyer = make_member(email="bob@example.org")
    buy_rsc(db.session, buyer, 1000, now)
    seller_client, buyer_client = app.test_client(), app.test_client()
    login(seller_client)
    listed = seller_client.post("/market/new", data={"company_id": 1, "kind": "product", "title": "Rye loaf",
                                                     "price": "3.50"}, follow_redirects=True)
    assert "Rye loaf" in listed.get_data(as_text=True)
    login(buyer_client, "bob@example.org")
    assert "Rye loaf" in buyer_client.get("/market?q=rye").get_data(as_text=True)
    bought = buyer_client.post("/market/1", data={"quantity": "2"}, follow_redirects=True)
    assert "Bought: 7.00 RSC paid" in bought.get_data(as_text=True)
    short = buyer_client.post("/market/1", data={"quantity": "100"})
    assert short.status_code == 400 and "Not enough RSC" in short.get_data(as_text=True)
    delivered = seller_client.post("/market/orders", data={"order_id": "1"}, follow_redirects=True)
    assert "Marked delivered." in delivered.get_data(as_text=True)
