console.log("hotswap: not wired yet");
