import logging, json
from tests.e2e.conftest import World

async def test_probe(world: World, caplog) -> None:
    caplog.set_level(logging.INFO)
    fake = world.fake
    print("IDENTIFY intents", fake.intents, [c["name"] for c in fake.guild_commands[world.guild.id]], fake.global_commands)
    await fake.send_message(world.channel, world.alice, f"<@{world.bot.user.id}> what did laura win?")
    reply = await fake.wait_for_message(channel=world.channel)
    print(json.dumps(reply, indent=1)[:3000])
    ix = await fake.slash(world.guild, world.channel, world.alice, "ask", {"question": "what did laura win?"})
    print(await ix.response())
    for r in fake.requests:
        print(r.method, r.path, json.dumps(r.json)[:300] if r.json else None)
    for rec in caplog.records:
        if rec.levelno >= logging.WARNING:
            print("LOG", rec.levelname, rec.name, rec.getMessage()[:200])
