package training

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/toolkit"
)

// Topics returns the topics courses are filed under: the network's topics
// (../shared/domain/topics.csv), the same the toolkit files sheets under.
func Topics() []toolkit.Topic { return toolkit.Topics() }

func knownTopic(code string) bool {
	return slices.ContainsFunc(Topics(), func(t toolkit.Topic) bool { return t.Code == code })
}

func (t *Training) handleTopics(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	httpx.OK(c, http.StatusOK, Topics())
}
